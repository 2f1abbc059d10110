#include "seccomp/bpf_eval.h"

#include <cstring>
#include <string>

namespace sandbox::seccomp {
namespace {

Error bad(std::size_t pc, const std::string& what) {
  return Error("bpf_eval: instruction " + std::to_string(pc) + ": " + what);
}

// The 32-bit word of seccomp_data at byte offset k, in native byte order
// (the kernel rewrites seccomp's BPF_LD|BPF_W|BPF_ABS into a native load).
bool load_word(const seccomp_data& data, std::uint32_t k, std::uint32_t& out) {
  if (k % 4 != 0 || k > sizeof(seccomp_data) - 4) return false;
  std::memcpy(&out, reinterpret_cast<const unsigned char*>(&data) + k, sizeof(out));
  return true;
}

}  // namespace

seccomp_data make_syscall_data(std::uint32_t arch, int nr,
                               const std::array<std::uint64_t, 6>& args,
                               std::uint64_t instruction_pointer) {
  seccomp_data data{};
  data.nr = nr;
  data.arch = arch;
  data.instruction_pointer = instruction_pointer;
  for (std::size_t i = 0; i < args.size(); ++i) data.args[i] = args[i];
  return data;
}

Result<std::uint32_t> evaluate(std::span<const sock_filter> program, const seccomp_data& data) {
  if (program.empty() || program.size() > BPF_MAXINSNS) {
    return Error("bpf_eval: a program has 1 to " + std::to_string(BPF_MAXINSNS) +
                 " instructions, not " + std::to_string(program.size()));
  }
  std::uint32_t a = 0;
  std::uint32_t x = 0;
  std::uint32_t mem[BPF_MEMWORDS] = {};
  bool mem_set[BPF_MEMWORDS] = {};

  for (std::size_t pc = 0; pc < program.size(); ++pc) {
    const sock_filter& insn = program[pc];
    const std::uint32_t k = insn.k;
    const std::uint32_t src = BPF_SRC(insn.code) == BPF_X ? x : k;
    switch (BPF_CLASS(insn.code)) {
      case BPF_LD:
      case BPF_LDX: {
        std::uint32_t& reg = BPF_CLASS(insn.code) == BPF_LD ? a : x;
        if (BPF_SIZE(insn.code) != BPF_W) return bad(pc, "only 32-bit loads exist for seccomp");
        switch (BPF_MODE(insn.code)) {
          case BPF_ABS:
            if (BPF_CLASS(insn.code) != BPF_LD || !load_word(data, k, reg)) {
              return bad(pc, "bad absolute load at offset " + std::to_string(k));
            }
            break;
          case BPF_IMM: reg = k; break;
          case BPF_LEN: reg = sizeof(seccomp_data); break;
          case BPF_MEM:
            if (k >= BPF_MEMWORDS || !mem_set[k]) return bad(pc, "load of unset scratch word");
            reg = mem[k];
            break;
          default: return bad(pc, "unsupported load mode");
        }
        break;
      }
      case BPF_ST:
      case BPF_STX:
        if (k >= BPF_MEMWORDS) return bad(pc, "store out of scratch memory");
        mem[k] = BPF_CLASS(insn.code) == BPF_ST ? a : x;
        mem_set[k] = true;
        break;
      case BPF_ALU:
        switch (BPF_OP(insn.code)) {
          case BPF_ADD: a += src; break;
          case BPF_SUB: a -= src; break;
          case BPF_MUL: a *= src; break;
          case BPF_DIV:
          case BPF_MOD:
            if (src == 0) return 0U;  // the kernel ends the program with 0
            a = BPF_OP(insn.code) == BPF_DIV ? a / src : a % src;
            break;
          case BPF_AND: a &= src; break;
          case BPF_OR: a |= src; break;
          case BPF_XOR: a ^= src; break;
          case BPF_LSH: a = src >= 32 ? 0 : a << src; break;
          case BPF_RSH: a = src >= 32 ? 0 : a >> src; break;
          case BPF_NEG: a = 0U - a; break;
          default: return bad(pc, "unsupported ALU operation");
        }
        break;
      case BPF_JMP: {
        std::size_t offset = 0;
        switch (BPF_OP(insn.code)) {
          case BPF_JA: offset = k; break;
          case BPF_JEQ: offset = a == src ? insn.jt : insn.jf; break;
          case BPF_JGT: offset = a > src ? insn.jt : insn.jf; break;
          case BPF_JGE: offset = a >= src ? insn.jt : insn.jf; break;
          case BPF_JSET: offset = (a & src) != 0 ? insn.jt : insn.jf; break;
          default: return bad(pc, "unsupported jump");
        }
        if (offset >= program.size() - pc - 1) return bad(pc, "jump past the end");
        pc += offset;
        break;
      }
      case BPF_RET:
        switch (BPF_RVAL(insn.code)) {
          case BPF_K: return k;
          case BPF_A: return a;
          default: return bad(pc, "unsupported return source");
        }
      case BPF_MISC:
        switch (BPF_MISCOP(insn.code)) {
          case BPF_TAX: x = a; break;
          case BPF_TXA: a = x; break;
          default: return bad(pc, "unsupported misc operation");
        }
        break;
      default: return bad(pc, "unknown instruction class");
    }
  }
  return Error("bpf_eval: the program ends without a return");
}

}  // namespace sandbox::seccomp
