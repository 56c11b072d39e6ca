/* The browser runs the parser on one thread: thread-local keys are plain no-ops. */
#ifndef STRATA_PTHREAD_H
#define STRATA_PTHREAD_H
typedef unsigned pthread_key_t;
static inline int pthread_key_create(pthread_key_t *key, void (*destructor)(void *)) {
  (void)destructor;
  *key = 0;
  return 0;
}
static inline int pthread_setspecific(pthread_key_t key, const void *value) {
  (void)key;
  (void)value;
  return 0;
}
#endif
