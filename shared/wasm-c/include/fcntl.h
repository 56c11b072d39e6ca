#include_next <fcntl.h>
/* wasi-libc defines these with casts, which breaks PostgreSQL's `#if O_DSYNC != O_SYNC`. */
#undef O_DSYNC
#undef O_SYNC
