/* yujing — libFuzzer harness: each field validator and text rule on one
 * NUL-terminated string. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "validate.h"
#include "validators.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)check_phone(s);
	(void)check_mobile(s);
	(void)check_email(s);
	(void)check_url(s);
	(void)check_credit_code(s);
	(void)check_year_founded(s);
	(void)check_approval_no(s);
	(void)credit_code_valid(s);
	if (size >= 17)
		(void)credit_code_check_char(s);
	(void)text_blank(s);
	(void)text_edge_space(s);
	(void)text_date(s);
	if (http_utf8_valid(s, size))
		(void)http_utf8_len(s);
	free(s);
	return 0;
}
