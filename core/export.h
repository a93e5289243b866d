/* yujing — tables for the clerks' spreadsheets: .xlsx (libxlsxwriter) and
 * CSV, both meant to open cleanly in Excel and WPS, and the
 * Content-Disposition header that carries a Chinese file name.
 *
 * All three functions keep no state between calls and may run in several
 * worker threads at once.  export_xlsx needs a writable temporary directory
 * ($TMPDIR, else /tmp): libxlsxwriter 1.1.4 can only write to a named file,
 * so each call assembles the workbook in a private mkdtemp(3) directory,
 * reads it back and removes it again. */
#ifndef YJ_EXPORT_H
#define YJ_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

enum xrow { XROW_DATA = 0, XROW_SUBTOTAL = 1, XROW_TOTAL = 2 };

struct xtable {
	const char		*title;		/* sheet name and title row, e.g. "预警点联系人" */
	size_t			 ncols;
	const char *const	*headers;	/* ncols Chinese column headers */
	const bool		*numeric;	/* ncols: column holds integers (may be NULL: all text) */
	size_t			 nrows;
	const char *const	*cells;		/* nrows * ncols, row-major; NULL cell = empty */
	const unsigned char	*kinds;		/* nrows enum xrow (may be NULL: all data) */
};

/* .xlsx in memory: 0, or -1 with a reason in err.
 *
 * The workbook is appended to out (left as it was on failure).  One
 * worksheet, named after the title made fit for Excel (at most 31
 * characters; []:*?/\ and control characters become "_"; no apostrophe at
 * either end; "Sheet1" when nothing is left).  Row 1 holds the title when
 * there is one, then the header row (bold, light fill, frozen, with an
 * autofilter over the rows below it up to the trailing total rows), then
 * the rows.  In a numeric column a cell holding a plain integer ("-12",
 * "0"; no sign "+", no leading zero, at most 15 digits, so that Excel
 * keeps every digit) is written as a number, anything else as text.
 * Subtotal rows are bold, total rows bold under a thin top border; text
 * with line breaks wraps.  Column widths follow the widest line of a cell
 * (CJK characters count double), between 6 and 60.  Invalid
 * UTF-8 becomes U+FFFD, and text beyond Excel's 32767 characters a cell is
 * cut off.  Fails for no columns, more than 16384 columns, or more rows
 * than a worksheet holds (1048576 with the title and header rows). */
int	 export_xlsx(const struct xtable *, struct buf *out, char *err, size_t errsz);

/* CSV: UTF-8 with BOM, CRLF line ends, RFC 4180 quoting; a text cell that
 * starts with = + - @ (or tab/CR) is prefixed with ' against formula injection.
 *
 * Appended to out: the header row, then the rows (no title row, kinds are
 * ignored), every record ending in CRLF.  A field is quoted when it holds a
 * comma, a double quote, CR or LF.  A cell that is a plain decimal number
 * ("-12", "+3", "-0.5") is never prefixed, in any column: it cannot be a
 * formula, and "'-12" would show up as text in Excel.  Bytes are copied as
 * they are otherwise. */
void	 export_csv(const struct xtable *, struct buf *out);

/* Content-Disposition value for a Chinese file name: attachment; filename="ascii_fallback.xlsx"; filename*=UTF-8''percent-encoded
 *
 * The fallback keeps printable ASCII without '"' and '\'; when it is NULL
 * or nothing is left, "download" plus the extension of name.  name may be
 * NULL (then only the fallback).  When dst is too small for the whole value
 * it gets the value without filename*, then just "attachment"; it is always
 * NUL-terminated (when dstsz > 0) and never ends in half an escape. */
/* Room for the value with any name of 255 characters (each up to four bytes,
 * each byte three when escaped) and a fallback of up to 255 bytes. */
#define EXPORT_DISPOSITION_MAX 4096
void	 export_disposition(const char *name, const char *ascii_fallback, char *dst, size_t dstsz);

#endif
