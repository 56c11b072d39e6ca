/* The WASI calls wasi-libc's stdio references, answered inside the module. libpg_query reports
 * errors through its result structs, so anything written to stdout/stderr is dropped. */
#include <stdint.h>

#define WASI_EBADF 8
#define WASI_ESPIPE 70

struct ciovec { const void *buf; uint32_t len; };

int32_t __imported_wasi_snapshot_preview1_fd_write(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nwritten) {
  (void)fd;
  const struct ciovec *vec = (const struct ciovec *)(uintptr_t)iovs;
  uint32_t total = 0;
  for (int32_t i = 0; i < iovs_len; i++) total += vec[i].len;
  *(uint32_t *)(uintptr_t)nwritten = total;
  return 0;
}

int32_t __imported_wasi_snapshot_preview1_fd_read(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nread) {
  (void)fd; (void)iovs; (void)iovs_len;
  *(uint32_t *)(uintptr_t)nread = 0;
  return 0;
}

int32_t __imported_wasi_snapshot_preview1_fd_close(int32_t fd) { (void)fd; return 0; }

int32_t __imported_wasi_snapshot_preview1_fd_seek(int32_t fd, int64_t offset, int32_t whence, int32_t newoffset) {
  (void)fd; (void)offset; (void)whence; (void)newoffset;
  return WASI_ESPIPE;
}

int32_t __imported_wasi_snapshot_preview1_fd_fdstat_get(int32_t fd, int32_t stat) {
  (void)fd; (void)stat;
  return WASI_EBADF;
}

_Noreturn void __imported_wasi_snapshot_preview1_proc_exit(int32_t code) {
  (void)code;
  __builtin_trap();
}

int getpid(void) { return 1; }
