#!/usr/bin/env python3
"""Writes hostile test messages for the mail-filter chain (README, tests).

    make-messages.py DIR

DIR/in/NN-name.eml: a ham message, GTUBE spam, a PDF attachment, an
attachment whose name climbs out of the extraction directory, and three
carrying a payload made here (random bytes, so no real malware): attached
plainly, disguised as text, and nested in a forwarded message.
DIR/db/test.hdb: a ClamAV hash signature of exactly that payload, so
clamscan needs no downloaded database (freshclam never runs).
DIR/expected-infected: the names of the messages that carry it.
"""
import hashlib
import os
import sys
from email.message import EmailMessage

out = sys.argv[1]
os.makedirs(f"{out}/in", exist_ok=True)
os.makedirs(f"{out}/db", exist_ok=True)

payload = os.urandom(4096)
with open(f"{out}/db/test.hdb", "w") as f:
    f.write(f"{hashlib.md5(payload).hexdigest()}:{len(payload)}:Sandbox.Test.Payload\n")


def pdf(text):
    """A minimal one-page PDF showing text (pdftotext reads it back)."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


def message(subject, text):
    message.count += 1
    m = EmailMessage()
    m["From"] = "Mallory <mallory@example.net>"
    m["To"] = "alice@example.org"
    m["Subject"] = subject
    m["Date"] = "Mon, 07 Dec 2026 00:00:00 +0000"
    m["Message-ID"] = f"<{message.count}.chain@example.net>"
    m.set_content(text)
    return m


message.count = 0


def write(name, m):
    with open(f"{out}/in/{name}.eml", "wb") as f:
        f.write(bytes(m))


write("01-ham", message("Lunch", "See you at noon.\n"))
write("02-gtube", message("Win", "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\n"))
m = message("Report", "The report is attached.\n")
m.add_attachment(pdf("Quarterly report 2026"), maintype="application", subtype="pdf",
                 filename="report.pdf")
write("03-pdf", m)
m = message("Climb", "Unpack me.\n")
m.add_attachment(b"#!/bin/sh\necho owned\n", maintype="application", subtype="octet-stream",
                 filename="../../../../tmp/evil.sh")
write("04-traversal", m)
m = message("Invoice", "Please pay.\n")
m.add_attachment(payload, maintype="application", subtype="octet-stream", filename="invoice.exe")
write("05-infected", m)
m = message("Notes", "My notes.\n")
m.add_attachment(payload, maintype="text", subtype="plain", filename="notes.txt")
write("06-disguised", m)
inner = message("Inner", "Forwarded.\n")
inner.add_attachment(payload, maintype="application", subtype="octet-stream", filename="x.bin")
m = message("Fwd: Inner", "See the forwarded message.\n")
m.add_attachment(inner)
write("07-nested", m)
with open(f"{out}/expected-infected", "w") as f:
    f.write("05-infected.eml\n06-disguised.eml\n07-nested.eml\n")
