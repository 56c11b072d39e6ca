/* Only the buffer sizes PostgreSQL's headers refer to. */
#define NI_MAXHOST 1025
#define NI_MAXSERV 32
