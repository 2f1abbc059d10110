#include "handover/offsets.h"

#include <sys/socket.h>
#include <unistd.h>

#include "util/fd_passing.h"

namespace sandbox::handover {

void give_back_offsets(int channel, const std::vector<Handed>& handed) noexcept {
  if (channel < 0) return;
  for (;;) {
    int index = -1;
    int fd = -1;
    if (util::receive_fd(channel, MSG_DONTWAIT, &index, &fd) != 0) return;
    if (fd < 0) continue;
    if (index >= 0 && static_cast<std::size_t>(index) < handed.size()) {
      const off_t offset = ::lseek(fd, 0, SEEK_CUR);
      if (offset >= 0) ::lseek(handed[static_cast<std::size_t>(index)].fd, offset, SEEK_SET);
    }
    ::close(fd);
  }
}

}  // namespace sandbox::handover
