#include "net/nft_loader.h"

#include <dlfcn.h>
#include <nftables/libnftables.h>

#include <cerrno>
#include <string>

namespace sandbox::net {
namespace {

constexpr const char* kLibrary = "libnftables.so.1";

// The entry points net/nft.cc uses; add one here when it uses another
// (the link fails with "undefined reference to nft_..." until then).
struct Api {
  nft_ctx* (*ctx_new)(uint32_t) = nullptr;
  void (*ctx_free)(nft_ctx*) = nullptr;
  int (*buffer_output)(nft_ctx*) = nullptr;
  int (*buffer_error)(nft_ctx*) = nullptr;
  const char* (*get_error_buffer)(nft_ctx*) = nullptr;
  int (*run_cmd_from_buffer)(nft_ctx*, const char*) = nullptr;
};

// Plain globals, no guard variables: also called in the child after clone3.
Api g_api;
bool g_tried = false;
const char* g_error = nullptr;

template <class F>
bool bind(void* handle, const char* name, F& slot) {
  slot = reinterpret_cast<F>(::dlsym(handle, name));
  return slot != nullptr;
}

const Api* api() noexcept {
  if (!g_tried) {
    g_tried = true;
    void* handle = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      g_error = ::dlerror();
      return nullptr;
    }
    Api a;
    if (!bind(handle, "nft_ctx_new", a.ctx_new) || !bind(handle, "nft_ctx_free", a.ctx_free) ||
        !bind(handle, "nft_ctx_buffer_output", a.buffer_output) ||
        !bind(handle, "nft_ctx_buffer_error", a.buffer_error) ||
        !bind(handle, "nft_ctx_get_error_buffer", a.get_error_buffer) ||
        !bind(handle, "nft_run_cmd_from_buffer", a.run_cmd_from_buffer)) {
      g_error = ::dlerror();
      return nullptr;
    }
    g_api = a;
  }
  return g_api.ctx_new != nullptr ? &g_api : nullptr;
}

}  // namespace

Result<void> load_nftables() {
  if (api() != nullptr) return success();
  return Error(std::string("cannot load ") + kLibrary + ": " +
               (g_error != nullptr ? g_error : "unknown error"))
      .with_hint("--net=filtered needs libnftables (Debian package libnftables1)");
}

}  // namespace sandbox::net

// The stand-ins, hidden so that the loaded library never binds to them.
#define SANDBOX_NFT_HIDDEN __attribute__((visibility("hidden")))
extern "C" {

SANDBOX_NFT_HIDDEN nft_ctx* nft_ctx_new(uint32_t flags) {
  const auto* a = sandbox::net::api();
  if (a == nullptr) {
    errno = ELIBACC;
    return nullptr;
  }
  return a->ctx_new(flags);
}

SANDBOX_NFT_HIDDEN void nft_ctx_free(nft_ctx* ctx) {
  if (const auto* a = sandbox::net::api()) a->ctx_free(ctx);
}

SANDBOX_NFT_HIDDEN int nft_ctx_buffer_output(nft_ctx* ctx) {
  const auto* a = sandbox::net::api();
  return a != nullptr ? a->buffer_output(ctx) : -1;
}

SANDBOX_NFT_HIDDEN int nft_ctx_buffer_error(nft_ctx* ctx) {
  const auto* a = sandbox::net::api();
  return a != nullptr ? a->buffer_error(ctx) : -1;
}

SANDBOX_NFT_HIDDEN const char* nft_ctx_get_error_buffer(nft_ctx* ctx) {
  const auto* a = sandbox::net::api();
  return a != nullptr ? a->get_error_buffer(ctx) : nullptr;
}

SANDBOX_NFT_HIDDEN int nft_run_cmd_from_buffer(nft_ctx* nft, const char* buf) {
  const auto* a = sandbox::net::api();
  return a != nullptr ? a->run_cmd_from_buffer(nft, buf) : -1;
}

}  // extern "C"
