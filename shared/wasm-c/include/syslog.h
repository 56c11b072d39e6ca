/* No syslog in the browser; PostgreSQL's headers only need the file to exist. */
