#include "handover/place.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace sandbox::handover {

int place_inner_pipes(const std::vector<Handed>& handed, std::size_t* failed) noexcept {
  for (const Handed& h : handed) {  // first every supervisor end: numbers are reused below
    if (h.relay_end >= 0) ::close(h.relay_end);
  }
  for (std::size_t i = 0; i < handed.size(); ++i) {
    const Handed& h = handed[i];
    if (h.inner < 0) continue;
    *failed = i;
    if (::dup3(h.inner, h.number, 0) < 0) return errno;  // replaces the caller's pipe here
  }
  for (const Handed& h : handed) {  // last: one inner pipe may stand at two numbers
    if (h.inner >= 0) ::close(h.inner);
  }
  return 0;
}

}  // namespace sandbox::handover
