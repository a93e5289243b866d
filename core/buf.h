/* yujing — growable byte buffer. */
#ifndef YJ_BUF_H
#define YJ_BUF_H

#include <stddef.h>

struct buf {
	char	*data;		/* always NUL-terminated when non-NULL */
	size_t	 len;
	size_t	 cap;
};

void	 buf_add(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_printf(struct buf *, const char *, ...) __attribute__((format(printf, 2, 3)));
/* s as a JSON string, quotes included: ", \ and control characters
 * escaped, UTF-8 copied as it is, an invalid byte written as U+FFFD. */
void	 buf_json_str(struct buf *, const char *s);
/* v in decimal. */
void	 buf_int(struct buf *, long long v);
void	 buf_reset(struct buf *);	/* len = 0, keeps the memory */
void	 buf_free(struct buf *);

#endif
