/* yujing — .xlsx and CSV exports for Excel and WPS.
 *
 * Thread safety: nothing here is static and mutable; every call has its own
 * workbook, formats and temporary directory.  Two things inside
 * libxlsxwriter 1.1.4 are shared between threads and were checked: its
 * temporary-file helper (tmpfileplus) keeps a static seed for rand(), which
 * at worst yields a name already taken, and creates with O_EXCL in the
 * private directory given as tmpdir, where no other call writes; and
 * docProps/core.xml takes its time stamp from gmtime(3), whose static
 * result may be overwritten by a concurrent export converting the same
 * clock, which only affects the second shown as "created". */
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#define COMPANY		"外贸预警服务平台"
#define SHEET_UNITS	31		/* Excel's limit on a sheet name */
#define CELL_UNITS	32767		/* Excel's limit on a cell's text */
#define MAX_INT_DIGITS	15		/* what a double and Excel keep exactly */
#define WIDTH_MIN	6.0
#define WIDTH_MAX	60.0
#define HEAD_FILL	0xDDEBF7	/* light blue */

/* One code point from s (n bytes left, n > 0): its length, and in *cp the
 * code point or U+FFFD for a malformed sequence (then length 1). */
static size_t
u8dec(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t	 c, min;
	size_t		 len, i;

	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, c &= 0x07, min = 0x10000;
	} else
		goto bad;
	if (len > n)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = 0xfffd;
	return 1;
}

/* Columns a code point takes: 2 for East Asian wide and full-width. */
static int
cpwidth(uint32_t c)
{
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff },
		{ 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf },
		{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe30, 0xfe4f },
		{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f },
		{ 0x1f900, 0x1f9ff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
	};
	size_t i;

	if (c < 0x1100)
		return 1;
	for (i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (c >= wide[i][0] && c <= wide[i][1])
			return 2;
	return 1;
}

/* Display width of s: its widest line. */
static double
dwidth(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s), k;
	uint32_t		 cp;
	double			 w = 0, line = 0;

	while (n > 0) {
		k = u8dec(p, n, &cp);
		p += k, n -= k;
		if (cp == '\n') {
			if (line > w)
				w = line;
			line = 0;
		} else if (cp >= 0x20)
			line += cpwidth(cp);
	}
	return line > w ? line : w;
}

/* s as libxlsxwriter may take it: valid UTF-8 of at most maxunits UTF-16
 * units, and with noctl no control characters (cell text escapes them,
 * document properties do not).  Returns s itself when it is fine, else a
 * copy built in b. */
static const char *
clean(struct buf *b, const char *s, size_t maxunits, bool noctl)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s), k, units = 0, i;
	uint32_t		 cp;
	char			 enc[4];
	bool			 fine = true;

	for (i = 0; i < n && fine; i += k) {
		k = u8dec(p + i, n - i, &cp);
		units += cp >= 0x10000 ? 2 : 1;
		if ((cp == 0xfffd && k == 1) || units > maxunits ||
		    (noctl && (cp < 0x20 || cp == 0x7f)))
			fine = false;
	}
	if (fine)
		return s;

	buf_reset(b);
	buf_add(b, "", 0);
	units = 0;
	for (i = 0; i < n; i += k) {
		k = u8dec(p + i, n - i, &cp);
		units += cp >= 0x10000 ? 2 : 1;
		if (units > maxunits)
			break;
		if (cp == 0xfffd && k == 1)
			buf_add(b, "\xef\xbf\xbd", 3);
		else if (noctl && (cp < 0x20 || cp == 0x7f))
			buf_add(b, " ", 1);
		else {
			memcpy(enc, p + i, k);
			buf_add(b, enc, k);
		}
	}
	return b->data;
}

/* A sheet name Excel accepts, from title: see export.h. */
static void
sheetname(const char *title, char *dst, size_t dstsz)
{
	const unsigned char	*p = (const unsigned char *)(title ? title : "");
	size_t			 n = strlen((const char *)p), k, len = 0, units = 0;
	uint32_t		 cp;

	/* No apostrophe at the start. */
	while (n > 0 && *p == '\'')
		p++, n--;
	while (n > 0) {
		k = u8dec(p, n, &cp);
		units += cp >= 0x10000 ? 2 : 1;
		if (units > SHEET_UNITS || len + k + 1 > dstsz)
			break;
		if (cp < 0x20 || cp == 0x7f || cp == 0xfffd ||
		    (cp < 0x80 && strchr("[]:*?/\\", (int)cp) != NULL))
			dst[len++] = '_';
		else {
			memcpy(dst + len, p, k);
			len += k;
		}
		p += k, n -= k;
	}
	/* No apostrophe at the end. */
	while (len > 0 && dst[len - 1] == '\'')
		len--;
	dst[len] = '\0';
	if (len == 0)
		snprintf(dst, dstsz, "Sheet1");
	else if (strcasecmp(dst, "History") == 0)	/* reserved by Excel */
		snprintf(dst, dstsz, "History_");
}

/* A plain integer Excel keeps exactly: -?(0|[1-9][0-9]*), at most 15
 * digits, no "-0". */
static bool
as_int(const char *s, long long *v)
{
	const char	*p = s;
	char		*end;
	size_t		 nd;

	if (*p == '-')
		p++;
	nd = strspn(p, "0123456789");
	if (nd == 0 || p[nd] != '\0' || nd > MAX_INT_DIGITS)
		return false;
	if (p[0] == '0' && (nd > 1 || p != s))
		return false;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0';
}

static const char *
cell(const struct xtable *t, size_t r, size_t c)
{
	return t->cells != NULL ? t->cells[r * t->ncols + c] : NULL;
}

static const char *
header(const struct xtable *t, size_t c)
{
	return t->headers != NULL && t->headers[c] != NULL ? t->headers[c] : "";
}

static bool
numeric(const struct xtable *t, size_t c)
{
	return t->numeric != NULL && t->numeric[c];
}

static enum xrow
kind(const struct xtable *t, size_t r)
{
	if (t->kinds == NULL || t->kinds[r] > XROW_TOTAL)
		return XROW_DATA;
	return (enum xrow)t->kinds[r];
}

/*
 * xlsx
 */

struct fmts {
	lxw_format	*title;
	lxw_format	*head;
	lxw_format	*cell[3][2];	/* [enum xrow][numeric] */
	lxw_format	*wrap[3];	/* [enum xrow]: text with line breaks */
};

static void
formats(lxw_workbook *wb, struct fmts *f)
{
	lxw_format	*x;
	int		 k, num;

	f->title = workbook_add_format(wb);
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
	format_set_align(f->title, LXW_ALIGN_CENTER);
	format_set_align(f->title, LXW_ALIGN_VERTICAL_CENTER);

	f->head = workbook_add_format(wb);
	format_set_bold(f->head);
	format_set_bg_color(f->head, HEAD_FILL);
	format_set_pattern(f->head, LXW_PATTERN_SOLID);
	format_set_border(f->head, LXW_BORDER_THIN);
	format_set_align(f->head, LXW_ALIGN_CENTER);
	format_set_align(f->head, LXW_ALIGN_VERTICAL_CENTER);

	for (k = XROW_DATA; k <= XROW_TOTAL; k++)
		for (num = 0; num < 2; num++) {
			if (k == XROW_DATA && !num) {
				f->cell[k][num] = NULL;	/* the default */
				continue;
			}
			x = f->cell[k][num] = workbook_add_format(wb);
			if (num)
				format_set_num_format(x, "0");
			if (k != XROW_DATA)
				format_set_bold(x);
			if (k == XROW_TOTAL)
				format_set_top(x, LXW_BORDER_THIN);
		}
	for (k = XROW_DATA; k <= XROW_TOTAL; k++) {
		x = f->wrap[k] = workbook_add_format(wb);
		format_set_text_wrap(x);
		format_set_align(x, LXW_ALIGN_VERTICAL_TOP);
		if (k != XROW_DATA)
			format_set_bold(x);
		if (k == XROW_TOTAL)
			format_set_top(x, LXW_BORDER_THIN);
	}
}

#define TRY(call) do {							\
	lxw_error e_ = (call);						\
	if (e_ != LXW_NO_ERROR) {					\
		snprintf(err, errsz, "xlsx: %s", lxw_strerror(e_));	\
		goto fail;						\
	}								\
} while (0)

/* Writes the table into wb: 0, or -1 with err set. */
static int
fill(lxw_workbook *wb, const struct xtable *t, char *err, size_t errsz)
{
	lxw_doc_properties	 props;
	lxw_worksheet		*ws;
	struct fmts		 f;
	struct buf		 scratch = { NULL, 0, 0 };
	char			 sheet[SHEET_UNITS * 4 + 1];
	const char		*title, *s;
	double			*width = NULL, w;
	lxw_row_t		 row, hdr, last;
	lxw_col_t		 c;
	size_t			 r, ntail;
	enum xrow		 k;
	long long		 v;
	bool			 num;

	title = t->title != NULL ? t->title : "";
	sheetname(title, sheet, sizeof(sheet));
	if ((ws = workbook_add_worksheet(wb, sheet)) == NULL) {
		snprintf(err, errsz, "xlsx: cannot add worksheet \"%s\"", sheet);
		goto fail;
	}
	memset(&props, 0, sizeof(props));
	props.title = (char *)clean(&scratch, title, CELL_UNITS, true);
	props.company = (char *)COMPANY;
	TRY(workbook_set_properties(wb, &props));	/* copies */
	title = clean(&scratch, title, CELL_UNITS, false);

	formats(wb, &f);
	if ((width = calloc(t->ncols, sizeof(*width))) == NULL) {
		snprintf(err, errsz, "xlsx: out of memory");
		goto fail;
	}

	row = 0;
	if (*title != '\0') {
		if (t->ncols > 1)
			TRY(worksheet_merge_range(ws, 0, 0, 0,
			    (lxw_col_t)(t->ncols - 1), title, f.title));
		else
			TRY(worksheet_write_string(ws, 0, 0, title, f.title));
		TRY(worksheet_set_row(ws, 0, 24, NULL));
		row++;
	}

	hdr = row;
	for (c = 0; c < t->ncols; c++) {
		s = clean(&scratch, header(t, c), CELL_UNITS, false);
		if (*s == '\0')
			TRY(worksheet_write_blank(ws, hdr, c, f.head));
		else
			TRY(worksheet_write_string(ws, hdr, c, s, f.head));
		/* Bold, and room for the filter button. */
		width[c] = dwidth(s) * 1.1 + 3;
	}

	for (r = 0; r < t->nrows; r++) {
		row = (lxw_row_t)(hdr + 1 + r);
		k = kind(t, r);
		for (c = 0; c < t->ncols; c++) {
			s = cell(t, r, c);
			num = numeric(t, c) && s != NULL && as_int(s, &v);
			if (num)
				TRY(worksheet_write_number(ws, row, c,
				    (double)v, f.cell[k][1]));
			else if (s == NULL || *s == '\0') {
				if (f.cell[k][0] != NULL)
					TRY(worksheet_write_blank(ws, row, c,
					    f.cell[k][0]));
				continue;
			} else {
				s = clean(&scratch, s, CELL_UNITS, false);
				TRY(worksheet_write_string(ws, row, c, s,
				    strchr(s, '\n') != NULL ? f.wrap[k] :
				    f.cell[k][0]));
			}
			if ((w = dwidth(s) + 2) > width[c])
				width[c] = w;
		}
	}

	for (c = 0; c < t->ncols; c++) {
		w = width[c] < WIDTH_MIN ? WIDTH_MIN :
		    width[c] > WIDTH_MAX ? WIDTH_MAX : width[c];
		TRY(worksheet_set_column(ws, c, c, w, NULL));
	}

	/* Keep the trailing total rows out of the filter, so that sorting
	 * leaves them at the bottom. */
	for (ntail = 0; ntail < t->nrows &&
	    kind(t, t->nrows - 1 - ntail) == XROW_TOTAL; ntail++)
		;
	last = (lxw_row_t)(hdr + t->nrows - ntail);
	TRY(worksheet_autofilter(ws, hdr, 0, last, (lxw_col_t)(t->ncols - 1)));
	worksheet_freeze_panes(ws, hdr + 1, 0);
	TRY(worksheet_repeat_rows(ws, hdr, hdr));	/* on every printed page */

	free(width);
	buf_free(&scratch);
	return 0;
fail:
	free(width);
	buf_free(&scratch);
	return -1;
}

/* Appends the file at path to out. */
static int
slurp(const char *path, struct buf *out, char *err, size_t errsz)
{
	char	 chunk[16384];
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errsz, "xlsx: %s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errsz, "xlsx: %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		buf_add(out, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

int
export_xlsx(const struct xtable *t, struct buf *out, char *err, size_t errsz)
{
	lxw_workbook_options	 opt;
	lxw_workbook		*wb;
	lxw_error		 e;
	const char		*base;
	char			 dir[PATH_MAX], path[PATH_MAX + 16];
	size_t			 keep = out->len;
	int			 rc = -1, filled;

	if (t->ncols == 0) {
		snprintf(err, errsz, "xlsx: no columns");
		return -1;
	}
	if (t->ncols > LXW_COL_MAX) {
		snprintf(err, errsz, "xlsx: %zu columns, a worksheet holds %d",
		    t->ncols, LXW_COL_MAX);
		return -1;
	}
	/* Title and header rows, then the rows. */
	if (t->nrows > (size_t)LXW_ROW_MAX - 2) {
		snprintf(err, errsz, "xlsx: %zu rows, a worksheet holds %d",
		    t->nrows, LXW_ROW_MAX - 2);
		return -1;
	}

	/* libxlsxwriter writes to a named file only: a private directory for
	 * it and for its scratch files. */
	if ((base = getenv("TMPDIR")) == NULL || base[0] != '/' ||
	    strlen(base) > sizeof(dir) - 64)
		base = "/tmp";
	snprintf(dir, sizeof(dir), "%s/yujing-xlsx-XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		snprintf(err, errsz, "xlsx: mkdtemp %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/export.xlsx", dir);

	memset(&opt, 0, sizeof(opt));
	opt.tmpdir = dir;
	if ((wb = workbook_new_opt(path, &opt)) == NULL) {
		snprintf(err, errsz, "xlsx: cannot create a workbook");
		goto done;
	}
	filled = fill(wb, t, err, errsz);
	e = workbook_close(wb);		/* frees wb in any case */
	if (filled == -1)
		goto done;
	if (e != LXW_NO_ERROR) {
		snprintf(err, errsz, "xlsx: %s", lxw_strerror(e));
		goto done;
	}
	if (slurp(path, out, err, errsz) == -1)
		goto done;
	rc = 0;
done:
	unlink(path);
	rmdir(dir);
	if (rc == -1 && out->data != NULL) {
		out->len = keep;
		out->data[keep] = '\0';
	}
	return rc;
}

/*
 * CSV
 */

/* A plain decimal number: [+-]?[0-9]+(\.[0-9]+)? */
static bool
plain_number(const char *s)
{
	size_t n;

	if (*s == '+' || *s == '-')
		s++;
	if ((n = strspn(s, "0123456789")) == 0)
		return false;
	s += n;
	if (*s == '.') {
		s++;
		if ((n = strspn(s, "0123456789")) == 0)
			return false;
		s += n;
	}
	return *s == '\0';
}

static void
csv_field(struct buf *out, const char *s)
{
	const char	*p, *q;
	bool		 prefix, quote;

	if (s == NULL || *s == '\0')
		return;
	prefix = strchr("=+-@\t\r", *s) != NULL && !plain_number(s);
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		buf_add(out, "\"", 1);
	if (prefix)
		buf_add(out, "'", 1);
	if (!quote)
		buf_puts(out, s);
	else {
		for (p = s; (q = strchr(p, '"')) != NULL; p = q + 1)
			buf_add(out, p, (size_t)(q - p + 1)), buf_add(out, "\"", 1);
		buf_puts(out, p);
		buf_add(out, "\"", 1);
	}
}

void
export_csv(const struct xtable *t, struct buf *out)
{
	size_t r, c;

	buf_add(out, "\xef\xbb\xbf", 3);
	for (c = 0; c < t->ncols; c++) {
		if (c > 0)
			buf_add(out, ",", 1);
		csv_field(out, header(t, c));
	}
	buf_add(out, "\r\n", 2);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			if (c > 0)
				buf_add(out, ",", 1);
			csv_field(out, cell(t, r, c));
		}
		buf_add(out, "\r\n", 2);
	}
}

/*
 * Content-Disposition (RFC 6266, RFC 8187)
 */

struct bounded {
	char	*p;
	size_t	 sz, len;
	bool	 ok;
};

static void
bput(struct bounded *b, const char *s, size_t n)
{
	if (!b->ok || b->len + n >= b->sz) {
		b->ok = false;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* RFC 8187 attr-char, the bytes that go unescaped. */
static bool
attr_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c) != NULL;
}

/* Writes the value into b, with filename* when ext is true. */
static bool
disposition(struct bounded *b, const char *name, const char *fallback,
    bool ext)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	char			 esc[3];

	b->len = 0, b->ok = true;
	b->p[0] = '\0';
	bput(b, "attachment; filename=\"", 22);
	bput(b, fallback, strlen(fallback));
	bput(b, "\"", 1);
	if (ext && name != NULL && *name != '\0') {
		bput(b, "; filename*=UTF-8''", 19);
		for (p = (const unsigned char *)name; *p != '\0'; p++)
			if (attr_char(*p))
				bput(b, (const char *)p, 1);
			else {
				esc[0] = '%';
				esc[1] = hex[*p >> 4];
				esc[2] = hex[*p & 0xf];
				bput(b, esc, 3);
			}
	}
	return b->ok;
}

void
export_disposition(const char *name, const char *ascii_fallback, char *dst,
    size_t dstsz)
{
	struct bounded	 b;
	char		 fb[256];
	const char	*s, *ext;
	size_t		 n = 0, i;

	if (dstsz == 0)
		return;
	for (s = ascii_fallback; s != NULL && *s != '\0' && n + 1 < sizeof(fb); s++)
		if (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\')
			fb[n++] = *s;
	fb[n] = '\0';
	if (n == 0) {
		/* "download" and the extension of name when it is short ASCII. */
		snprintf(fb, sizeof(fb), "download");
		if (name != NULL && (ext = strrchr(name, '.')) != NULL) {
			for (i = 1; ext[i] != '\0' && i <= 10; i++)
				if (!((ext[i] >= 'a' && ext[i] <= 'z') ||
				    (ext[i] >= 'A' && ext[i] <= 'Z') ||
				    (ext[i] >= '0' && ext[i] <= '9')))
					break;
			if (i > 1 && ext[i] == '\0')
				snprintf(fb, sizeof(fb), "download%s", ext);
		}
	}

	b.p = dst, b.sz = dstsz;
	if (disposition(&b, name, fb, true) || disposition(&b, name, fb, false))
		return;
	b.len = 0, b.ok = true;
	dst[0] = '\0';
	bput(&b, "attachment", 10);
}
