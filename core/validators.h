/* yujing — checks for the strings clerks type into forms: telephone and
 * mobile numbers, e-mail addresses, web addresses, unified social credit
 * codes, founding years and approval numbers.
 *
 * Each check_* function fits struct vfield's check hook: it returns NULL
 * when the string is fine, or a static Chinese message that follows the
 * field's label ("办公电话" + "格式不正确，……") and says what is expected,
 * with an example.  Strings are UTF-8 and are not trimmed: leading or
 * trailing spaces are reported.  The empty string is reported too (the
 * field table normally handles it before the check is called). */
#ifndef YJ_VALIDATORS_H
#define YJ_VALIDATORS_H

#include <stdbool.h>

/* Landline "0571-87654321" (separator "-", " - ", " " or none; extension
 * "-123" or "转123"), service number "400-123-4567" / "800-…", or a mobile
 * number as check_mobile accepts it. */
const char	*check_phone(const char *);
/* Mainland mobile: 11 digits 1[3-9]…, optionally "+86" or "86" before,
 * with an optional space or hyphen after the prefix. */
const char	*check_mobile(const char *);
/* local@domain.tld, at most 128 bytes, ASCII only, no spaces. */
const char	*check_email(const char *);
/* http:// or https://, a host with at least one dot (ASCII or Chinese
 * labels), an optional :port, an optional path, query or fragment. */
const char	*check_url(const char *);
/* The 18-character unified social credit code of GB 32100-2015. */
const char	*check_credit_code(const char *);
/* Four digits, 1949 to the current year in Beijing time. */
const char	*check_year_founded(const char *);
/* An approval number such as "浙商务〔2015〕12号": at most 64 characters,
 * holding a bracketed year followed by a number and "号". */
const char	*check_approval_no(const char *);

/* 1949 <= y <= the current year in Beijing time. */
int		 valid_founded_year(long long y);

/* Whether s is a well-formed credit code with the right check character. */
bool		 credit_code_valid(const char *s);
/* The check character (18th) for the first 17 characters of a credit code,
 * or '\0' when one of them is outside the code's character set (digits and
 * upper-case letters but I, O, Z, S, V). */
char		 credit_code_check_char(const char first17[17]);

#endif
