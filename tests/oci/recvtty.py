#!/usr/bin/env python3
"""recvtty for runc's bats suite (contrib/cmd/recvtty, which needs Go and
four Go libraries): receives a pty master over a unix socket (SCM_RIGHTS)
and either discards its output (--mode null, every connection) or relays
it to stdout and stdin to it (--mode single, one connection)."""
import argparse, array, os, select, socket, sys, termios, threading


def recv_fd(conn):
    fds = array.array("i")
    _, anc, _, _ = conn.recvmsg(4096, socket.CMSG_LEN(fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
            return fds[0]
    raise RuntimeError("no fd received")


def drain(fd):
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass
    os.close(fd)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("-m", "--mode", default="single")
    p.add_argument("--pid-file")
    p.add_argument("--no-stdin", action="store_true")
    p.add_argument("socket")
    a = p.parse_args()
    if a.pid_file:
        with open(a.pid_file, "w") as f:
            f.write(str(os.getpid()))
    ln = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ln.bind(a.socket)
    ln.listen(16)
    if a.mode == "null":
        while True:
            conn, _ = ln.accept()
            try:
                fd = recv_fd(conn)
            except Exception:
                conn.close()
                continue
            conn.close()
            threading.Thread(target=drain, args=(fd,), daemon=True).start()
    conn, _ = ln.accept()
    ln.close()
    master = recv_fd(conn)
    attrs = termios.tcgetattr(master)
    attrs[1] &= ~termios.ONLCR
    termios.tcsetattr(master, termios.TCSANOW, attrs)
    fds = [master] + ([] if a.no_stdin else [0])
    while True:
        r, _, _ = select.select(fds, [], [])
        if master in r:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            os.write(1, data)
        if 0 in r:
            data = os.read(0, 65536)
            if not data:
                fds.remove(0)
            else:
                os.write(master, data)


if __name__ == "__main__":
    main()
