/* setjmp/longjmp for wasm32 with LLVM's exception-handling lowering (-wasm-enable-sjlj).
 * The compiler rewrites setjmp/longjmp calls into calls to sjlj.c; jmp_buf only needs room
 * for that runtime's state. */
#ifndef STRATA_SETJMP_H
#define STRATA_SETJMP_H
typedef struct {
  void *func_invocation_id;
  unsigned label;
  struct { void *env; int val; } arg;
  long reserved[4];
} jmp_buf[1];
typedef jmp_buf sigjmp_buf;
int setjmp(jmp_buf) __attribute__((returns_twice));
_Noreturn void longjmp(jmp_buf, int);
#define sigsetjmp(buf, savemask) setjmp(buf)
#define siglongjmp longjmp
#define _setjmp setjmp
#define _longjmp longjmp
#endif
