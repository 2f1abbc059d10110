// libnftables is loaded on demand (net/nft_loader.h): the stand-ins reach the
// real library once it is loaded.
#include <gtest/gtest.h>
#include <nftables/libnftables.h>

#include <cstring>

#include "net/nft_loader.h"

namespace sandbox::net {
namespace {

TEST(NftLoader, LoadsTheLibraryAndForwardsCalls) {
  ASSERT_TRUE(load_nftables().ok());
  nft_ctx* ctx = nft_ctx_new(NFT_CTX_DEFAULT);
  ASSERT_NE(ctx, nullptr);
  EXPECT_EQ(nft_ctx_buffer_output(ctx), 0);
  EXPECT_EQ(nft_ctx_buffer_error(ctx), 0);
  // A syntax error is reported by the parser, before any netlink traffic.
  EXPECT_NE(nft_run_cmd_from_buffer(ctx, "this is not an nft command"), 0);
  const char* error = nft_ctx_get_error_buffer(ctx);
  ASSERT_NE(error, nullptr);
  EXPECT_NE(std::strstr(error, "syntax error"), nullptr) << error;
  nft_ctx_free(ctx);
}

}  // namespace
}  // namespace sandbox::net
