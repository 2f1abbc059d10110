#include "x11/xauth.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>

#include "util/unique_fd.h"

namespace sandbox::x11 {
namespace {

constexpr std::size_t kCookieBytes = 16;

void put16(std::string& out, std::size_t value) {
  out.push_back(static_cast<char>((value >> 8) & 0xff));
  out.push_back(static_cast<char>(value & 0xff));
}

void put_field(std::string& out, const std::string& field) {
  put16(out, field.size());
  out += field;
}

// A reader over the file's bytes: big-endian 16-bit lengths, then bytes.
class Reader {
 public:
  explicit Reader(const std::string& bytes) : bytes_(bytes) {}
  bool done() const { return pos_ == bytes_.size(); }
  bool get16(std::uint16_t* value) {
    if (bytes_.size() - pos_ < 2) return false;
    *value = static_cast<std::uint16_t>((static_cast<unsigned char>(bytes_[pos_]) << 8) |
                                        static_cast<unsigned char>(bytes_[pos_ + 1]));
    pos_ += 2;
    return true;
  }
  bool get_field(std::string* field) {
    std::uint16_t length = 0;
    if (!get16(&length) || bytes_.size() - pos_ < length) return false;
    *field = bytes_.substr(pos_, length);
    pos_ += length;
    return true;
  }

 private:
  const std::string& bytes_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string encode(const std::vector<AuthEntry>& entries) {
  std::string out;
  for (const auto& e : entries) {
    put16(out, e.family);
    put_field(out, e.address);
    put_field(out, e.number);
    put_field(out, e.name);
    put_field(out, e.data);
  }
  return out;
}

Result<std::vector<AuthEntry>> decode(const std::string& bytes) {
  std::vector<AuthEntry> entries;
  Reader reader(bytes);
  while (!reader.done()) {
    AuthEntry e;
    if (!reader.get16(&e.family) || !reader.get_field(&e.address) ||
        !reader.get_field(&e.number) || !reader.get_field(&e.name) ||
        !reader.get_field(&e.data)) {
      return Error("the Xauthority file is truncated after " + std::to_string(entries.size()) +
                   " entries");
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

Result<AuthEntry> new_cookie(unsigned number) {
  AuthEntry e;
  e.family = kFamilyWild;
  e.number = std::to_string(number);
  e.name = kMagicCookie;
  e.data.resize(kCookieBytes);
  std::size_t filled = 0;
  while (filled < kCookieBytes) {
    const ssize_t n = ::getrandom(e.data.data() + filled, kCookieBytes - filled, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::from_errno("cannot generate the X cookie (getrandom)");
    filled += static_cast<std::size_t>(n);
  }
  return e;
}

std::vector<AuthEntry> entries_for_display(const std::vector<AuthEntry>& entries,
                                           unsigned number, const std::string& host_name) {
  std::vector<AuthEntry> out;
  const std::string wanted = std::to_string(number);
  for (const auto& e : entries) {
    const bool this_display = e.number.empty() || e.number == wanted;
    const bool this_host =
        e.family == kFamilyWild || (e.family == kFamilyLocal && e.address == host_name);
    if (!this_display || !this_host) continue;
    AuthEntry wild = e;
    wild.family = kFamilyWild;
    wild.address.clear();
    wild.number = wanted;
    out.push_back(std::move(wild));
  }
  return out;
}

Result<void> write_file(const std::string& path, const std::vector<AuthEntry>& entries) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) return Error::from_errno("cannot create " + path);
  const std::string bytes = encode(entries);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::from_errno("cannot write " + path);
    done += static_cast<std::size_t>(n);
  }
  return success();
}

}  // namespace sandbox::x11
