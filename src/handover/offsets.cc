#include "handover/offsets.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/fd_passing.h"

namespace sandbox::handover {

Result<Offsets> Offsets::keep(const std::vector<Handed>& handed) {
  Offsets offsets;
  offsets.caller_.resize(handed.size());
  for (std::size_t i = 0; i < handed.size(); ++i) {
    if (handed[i].reopen_path.empty() || handed[i].kind != Kind::regular) continue;
    offsets.caller_[i] = UniqueFd(::fcntl(handed[i].fd, F_DUPFD_CLOEXEC, 0));
    if (!offsets.caller_[i]) return Error::from_errno("cannot keep descriptor " + std::to_string(handed[i].number));
  }
  return offsets;
}

void Offsets::give_back(int channel) noexcept {
  if (channel < 0) return;
  for (;;) {
    int index = -1;
    int fd = -1;
    if (util::receive_fd(channel, MSG_DONTWAIT, &index, &fd) != 0) return;
    if (fd < 0) continue;
    if (index >= 0 && static_cast<std::size_t>(index) < caller_.size() && caller_[static_cast<std::size_t>(index)]) {
      const off_t offset = ::lseek(fd, 0, SEEK_CUR);
      if (offset >= 0) ::lseek(caller_[static_cast<std::size_t>(index)].get(), offset, SEEK_SET);
    }
    ::close(fd);
  }
}

}  // namespace sandbox::handover
