/* Runtime for LLVM's wasm exception-handling lowering of setjmp/longjmp: the compiler turns
 * setjmp into __wasm_setjmp and each return from it into __wasm_setjmp_test; longjmp throws
 * the __c_longjmp tag with a pointer to the jump's arguments. The ABI is LLVM's (the same one
 * wasi-libc implements); this is our implementation of it. */
#include <stddef.h>
#include <stdint.h>

struct jump_state {
  void *func_invocation_id; /* which call of the function that called setjmp */
  uint32_t label;           /* which setjmp site in that function */
  struct { void *env; int val; } arg;
};

void __wasm_setjmp(void *env, uint32_t label, void *func_invocation_id) {
  struct jump_state *state = env;
  if (label == 0 || func_invocation_id == NULL) __builtin_trap();
  state->func_invocation_id = func_invocation_id;
  state->label = label;
}

uint32_t __wasm_setjmp_test(void *env, void *func_invocation_id) {
  struct jump_state *state = env;
  if (state->label == 0 || func_invocation_id == NULL) __builtin_trap();
  return state->func_invocation_id == func_invocation_id ? state->label : 0;
}

void __wasm_longjmp(void *env, int val) {
  struct jump_state *state = env;
  state->arg.env = env;
  state->arg.val = val == 0 ? 1 : val; /* longjmp(env, 0) returns 1 from setjmp */
  __builtin_wasm_throw(1 /* the __c_longjmp tag */, &state->arg);
}
