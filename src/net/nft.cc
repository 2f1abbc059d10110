// libnftables, in-process: no exec of nft, and the netlink socket is opened in
// the namespace of the caller (the sandbox's init), never the supervisor's.
#include "net/nft.h"

#include <nftables/libnftables.h>

#include <cerrno>
#include <cstring>

namespace sandbox::net {

int install_ruleset(const char* ruleset) noexcept {
  nft_ctx* ctx = nft_ctx_new(NFT_CTX_DEFAULT);
  if (ctx == nullptr) return ENOMEM;
  nft_ctx_buffer_output(ctx);  // nothing on the caller's stdout or stderr
  nft_ctx_buffer_error(ctx);
  errno = 0;
  const int rc = nft_run_cmd_from_buffer(ctx, ruleset);
  int err = 0;
  if (rc != 0) {
    const char* message = nft_ctx_get_error_buffer(ctx);
    err = message != nullptr && std::strstr(message, "Operation not permitted") != nullptr ? EPERM
                                                                                             : EINVAL;
  }
  nft_ctx_free(ctx);
  return err;
}

}  // namespace sandbox::net
