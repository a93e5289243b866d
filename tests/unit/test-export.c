/* yujing — unit tests: CSV and .xlsx exports, Content-Disposition
 * (core/export.h).  The .xlsx files are opened with Python's zipfile and
 * every XML part is parsed, as a check that Excel gets a well-formed
 * package. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "export.h"

/* Where the exports put their scratch directories ($TMPDIR) and the tests
 * their files. */
static char tmpdir[] = "/tmp/yj-test-export-XXXXXX";
static char script[512];

static const char *const headers[] = { "预警点", "联系人", "人数", "备注" };
static const bool numeric[] = { false, false, true, false };
static const char *const cells[] = {
	"杭州萧山",		"张三",	"12",	"电话: 0571-1234, 分机 8",
	"宁波\"北仑\"",		NULL,	"-3",	"=1+1",
	"温州\n鹿城",		"李四",	"n/a",	"+86 138",
	"小计",			NULL,	"9",	"@sum",
	"合计",			NULL,	"0012",	"-x",
};
static const unsigned char kinds[] = {
	XROW_DATA, XROW_DATA, XROW_DATA, XROW_SUBTOTAL, XROW_TOTAL,
};
static const struct xtable table = {
	"预警点联系人", 4, headers, numeric, 5, cells, kinds,
};

/* Dumps a .xlsx ("dump FILE": "== part\n" and its content for every part)
 * or compares several ("same FILE...": every part but docProps/core.xml,
 * which holds the time of creation).  Fails on a broken zip or XML. */
static const char py[] =
	"import sys, zipfile, xml.dom.minidom\n"
	"def parts(p):\n"
	"    z = zipfile.ZipFile(p)\n"
	"    if z.testzip() is not None:\n"
	"        sys.exit(2)\n"
	"    d = {n: z.read(n) for n in z.namelist()}\n"
	"    for n in d:\n"
	"        if n.endswith('.xml') or n.endswith('.rels'):\n"
	"            xml.dom.minidom.parseString(d[n])\n"
	"    return d\n"
	"if sys.argv[1] == 'dump':\n"
	"    for n, v in parts(sys.argv[2]).items():\n"
	"        sys.stdout.buffer.write(b'== ' + n.encode() + b'\\n' + v + b'\\n')\n"
	"else:\n"
	"    ref = None\n"
	"    for p in sys.argv[2:]:\n"
	"        d = parts(p)\n"
	"        d.pop('docProps/core.xml')\n"
	"        if ref is None:\n"
	"            ref = d\n"
	"        elif d != ref:\n"
	"            print('DIFFERENT ' + p)\n"
	"            sys.exit(3)\n"
	"    print('SAME %d' % (len(sys.argv) - 2))\n";

static bool
have_python(void)
{
	return system("python3 -c pass >/dev/null 2>&1") == 0;
}

/* Runs the script with args; its output (malloc'd), asserting success. */
static char *
run_py(const char *args)
{
	char	 cmd[8192];
	FILE	*p;
	char	*out = NULL;
	size_t	 len = 0, n;
	char	 chunk[65536];
	int	 st;

	snprintf(cmd, sizeof(cmd), "python3 %s %s", script, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		out = realloc(out, len + n + 1);
		assert_non_null(out);
		memcpy(out + len, chunk, n);
		len += n;
	}
	st = pclose(p);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	if (out == NULL)
		out = calloc(1, 1);
	else
		out[len] = '\0';
	return out;
}

static void
save(const char *path, const struct buf *b)
{
	FILE *f;

	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
}

/* The content of one part in a dump (malloc'd), failing when absent. */
static char *
part(const char *dump, const char *name)
{
	char		 hdr[256];
	const char	*p, *end;
	char		*s;

	snprintf(hdr, sizeof(hdr), "== %s\n", name);
	if (strncmp(dump, hdr, strlen(hdr)) == 0)
		p = dump;
	else {
		snprintf(hdr, sizeof(hdr), "\n== %s\n", name);
		p = strstr(dump, hdr);
		if (p == NULL)
			fail_msg("no part %s", name);
		p++;
	}
	p += strlen(name) + 4;
	if ((end = strstr(p, "\n== ")) == NULL)
		end = p + strlen(p);
	s = strndup(p, (size_t)(end - p));
	assert_non_null(s);
	return s;
}

/* Exports t and dumps the result. */
static char *
xlsx_dump(const struct xtable *t)
{
	struct buf	 b = { NULL, 0, 0 };
	char		 err[256] = "", path[512], args[600];
	char		*dump;

	if (export_xlsx(t, &b, err, sizeof(err)) != 0)
		fail_msg("export_xlsx: %s", err);
	assert_true(b.len > 4);
	assert_memory_equal(b.data, "PK\x03\x04", 4);
	snprintf(path, sizeof(path), "%s/dump.xlsx", tmpdir);
	save(path, &b);
	snprintf(args, sizeof(args), "dump %s", path);
	dump = run_py(args);
	unlink(path);
	buf_free(&b);
	return dump;
}

/* The <c> element of a cell ("C3"), malloc'd. */
static char *
cell_xml(const char *sheet, const char *ref)
{
	char		 pat[32];
	const char	*at, *end;

	snprintf(pat, sizeof(pat), "<c r=\"%s\"", ref);
	if ((at = strstr(sheet, pat)) == NULL)
		fail_msg("no cell %s in the sheet", ref);
	if ((end = strstr(at, "</c>")) == NULL || end > strstr(at + 1, "<c "))
		end = strchr(at, '>');
	return strndup(at, (size_t)(end - at) + 4);
}

/* The width of column n (1-based) in the sheet's <cols>. */
static double
col_width(const char *sheet, int n)
{
	char		 pat[64];
	const char	*p;
	double		 w;

	snprintf(pat, sizeof(pat), "<col min=\"%d\" max=\"%d\" width=\"", n, n);
	p = strstr(sheet, pat);
	if (p == NULL)
		fail_msg("no width for column %d", n);
	assert_int_equal(sscanf(p + strlen(pat), "%lf", &w), 1);
	return w;
}

static void
test_csv_exact(void **state)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*want =
	    "\xef\xbb\xbf"
	    "预警点,联系人,人数,备注\r\n"
	    "杭州萧山,张三,12,\"电话: 0571-1234, 分机 8\"\r\n"
	    "\"宁波\"\"北仑\"\"\",,-3,'=1+1\r\n"
	    "\"温州\n鹿城\",李四,n/a,'+86 138\r\n"
	    "小计,,9,'@sum\r\n"
	    "合计,,0012,'-x\r\n";

	buf_puts(&b, "kept");
	export_csv(&table, &b);
	assert_int_equal(b.len, 4 + strlen(want));
	assert_memory_equal(b.data, "kept", 4);
	assert_string_equal(b.data + 4, want);
	buf_free(&b);
}

static void
test_csv_edges(void **state)
{
	static const char *const h[] = { "=A1", "b" };
	static const char *const c[] = {
		"-5",		"-",
		"\tcmd",	"\r=x",
		"+1.5",		"-1e3",
		"",		"say \"hi\"",
	};
	struct xtable	 t = { "t", 2, h, NULL, 4, c, NULL };
	struct buf	 b = { NULL, 0, 0 };

	export_csv(&t, &b);
	assert_string_equal(b.data,
	    "\xef\xbb\xbf'=A1,b\r\n"
	    "-5,'-\r\n"
	    "'\tcmd,\"'\r=x\"\r\n"
	    "+1.5,'-1e3\r\n"
	    ",\"say \"\"hi\"\"\"\r\n");

	/* No rows, no cells. */
	buf_reset(&b);
	t.nrows = 0, t.cells = NULL;
	export_csv(&t, &b);
	assert_string_equal(b.data, "\xef\xbb\xbf'=A1,b\r\n");
	buf_free(&b);
}

static void
test_disposition(void **state)
{
	char	 d[512], small[40];

	export_disposition("预警点联系人.xlsx", "contacts.xlsx", d, sizeof(d));
	assert_string_equal(d, "attachment; filename=\"contacts.xlsx\"; "
	    "filename*=UTF-8''%E9%A2%84%E8%AD%A6%E7%82%B9%E8%81%94%E7%B3%BB%E4%BA%BA.xlsx");

	/* No fallback: "download" and the extension. */
	export_disposition("预警点联系人.xlsx", NULL, d, sizeof(d));
	assert_string_equal(d, "attachment; filename=\"download.xlsx\"; "
	    "filename*=UTF-8''%E9%A2%84%E8%AD%A6%E7%82%B9%E8%81%94%E7%B3%BB%E4%BA%BA.xlsx");

	/* What cannot go between quotes goes; space, quote, semicolon and
	 * line breaks are escaped in filename*. */
	export_disposition("a b\"c;d\r\n.csv", "x\"y\\z\r\n汉.csv", d, sizeof(d));
	assert_string_equal(d, "attachment; filename=\"xyz.csv\"; "
	    "filename*=UTF-8''a%20b%22c%3Bd%0D%0A.csv");

	/* Too small for filename*, then for anything but "attachment". */
	export_disposition("预警点联系人.xlsx", "contacts.xlsx", small, sizeof(small));
	assert_string_equal(small, "attachment; filename=\"contacts.xlsx\"");
	export_disposition("预警点联系人.xlsx", "contacts.xlsx", small, 20);
	assert_string_equal(small, "attachment");
	export_disposition("预警点联系人.xlsx", "contacts.xlsx", small, 5);
	assert_string_equal(small, "");
}

/* The longest attachment name (255 four-byte characters) still gets its
 * filename* in EXPORT_DISPOSITION_MAX. */
static void
test_disposition_long_name(void **state)
{
	char	 name[4 * 255 + 1], want[3 * 4 * 255 + 1], d[EXPORT_DISPOSITION_MAX];
	size_t	 i;

	(void)state;
	for (i = 0; i < 255; i++) {
		memcpy(name + 4 * i, "\xf0\xa0\x80\x80", 4);	/* U+20000 */
		memcpy(want + 12 * i, "%F0%A0%80%80", 12);
	}
	name[4 * 255] = '\0';
	want[12 * 255] = '\0';
	export_disposition(name, NULL, d, sizeof(d));
	assert_int_equal(strncmp(d, "attachment; filename=\"download\"; filename*=UTF-8''", 50), 0);
	assert_string_equal(d + 50, want);

	for (i = 0; i < 200; i++)
		memcpy(name + 3 * i, "预", 3);
	memcpy(name + 600, ".pdf", 5);
	export_disposition(name, NULL, d, sizeof(d));
	assert_int_equal(strncmp(d, "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E9%A2%84", 63), 0);
	assert_int_equal(strlen(d), 54 + 9 * 200 + 4);
}

static void
test_xlsx_content(void **state)
{
	char	*dump, *sheet, *sst, *wb, *s, *c;

	if (!have_python())
		skip();
	dump = xlsx_dump(&table);
	sheet = part(dump, "xl/worksheets/sheet1.xml");
	sst = part(dump, "xl/sharedStrings.xml");

	/* Headers and text, Chinese intact, formulas as plain text. */
	assert_non_null(strstr(sst, "<t>预警点</t>"));
	assert_non_null(strstr(sst, "<t>联系人</t>"));
	assert_non_null(strstr(sst, "<t>备注</t>"));
	assert_non_null(strstr(sst, "<t>杭州萧山</t>"));
	assert_non_null(strstr(sst, "<t>预警点联系人</t>"));
	assert_non_null(strstr(sst, "<t>=1+1</t>"));
	assert_null(strstr(sheet, "<f>"));
	/* Not integers in a numeric column: text. */
	assert_non_null(strstr(sst, "<t>n/a</t>"));
	assert_non_null(strstr(sst, "<t>0012</t>"));

	/* Integers are numbers, the rest text. */
	c = cell_xml(sheet, "C3");
	assert_non_null(strstr(c, "<v>12</v>"));
	assert_null(strstr(c, "t=\""));
	free(c);
	c = cell_xml(sheet, "C4");
	assert_non_null(strstr(c, "<v>-3</v>"));
	assert_null(strstr(c, "t=\""));
	free(c);
	c = cell_xml(sheet, "C6");
	assert_non_null(strstr(c, "<v>9</v>"));
	assert_null(strstr(c, "t=\""));
	free(c);
	c = cell_xml(sheet, "C5");
	assert_non_null(strstr(c, "t=\"s\""));
	free(c);
	c = cell_xml(sheet, "C7");
	assert_non_null(strstr(c, "t=\"s\""));
	free(c);
	c = cell_xml(sheet, "D3");
	assert_non_null(strstr(c, "t=\"s\""));
	free(c);
	/* Line breaks wrap (see wrapText below). */
	c = cell_xml(sheet, "A5");
	assert_non_null(strstr(c, " s=\""));
	free(c);
	/* The total row's empty cell carries the border. */
	c = cell_xml(sheet, "B7");
	assert_non_null(strstr(c, " s=\""));
	free(c);

	/* Title merged over the columns, header frozen and filtered up to
	 * the total row. */
	assert_non_null(strstr(sheet, "<mergeCell ref=\"A1:D1\"/>"));
	assert_non_null(strstr(sheet, "ySplit=\"2\""));
	assert_non_null(strstr(sheet, "state=\"frozen\""));
	assert_non_null(strstr(sheet, "<autoFilter ref=\"A2:D6\"/>"));

	/* Widths from the content, CJK counting double: column D's widest
	 * cell is 19 characters, 4 of them CJK. */
	assert_true(col_width(sheet, 1) >= 10 && col_width(sheet, 1) < 13);
	assert_true(col_width(sheet, 4) >= 25 && col_width(sheet, 4) < 29);

	/* Header fill, bold, the total row's border. */
	s = part(dump, "xl/styles.xml");
	assert_non_null(strstr(s, "FFDDEBF7"));
	assert_non_null(strstr(s, "<b/>"));
	assert_non_null(strstr(s, "<top style=\"thin\">"));
	assert_non_null(strstr(s, "wrapText=\"1\""));
	free(s);

	wb = part(dump, "xl/workbook.xml");
	assert_non_null(strstr(wb, "<sheet name=\"预警点联系人\""));
	assert_non_null(strstr(wb, "_xlnm._FilterDatabase"));
	assert_non_null(strstr(wb, "_xlnm.Print_Titles"));
	free(wb);
	s = part(dump, "docProps/app.xml");
	assert_non_null(strstr(s, "<Company>外贸预警服务平台</Company>"));
	free(s);
	s = part(dump, "docProps/core.xml");
	assert_non_null(strstr(s, "<dc:title>预警点联系人</dc:title>"));
	free(s);

	free(sheet);
	free(sst);
	free(dump);
}

/* The sheet name workbook.xml shows for a title. */
static void
assert_sheet_name(const char *title, const char *want)
{
	static const char *const h[] = { "列" };
	struct xtable	 t = { title, 1, h, NULL, 0, NULL, NULL };
	char		*dump, *wb, pat[512];

	dump = xlsx_dump(&t);
	wb = part(dump, "xl/workbook.xml");
	snprintf(pat, sizeof(pat), "<sheet name=\"%s\"", want);
	if (strstr(wb, pat) == NULL)
		fail_msg("%s: want %s in %s", title ? title : "(null)", pat, wb);
	free(wb);
	free(dump);
}

static void
test_xlsx_sheet_names(void **state)
{
	if (!have_python())
		skip();
	assert_sheet_name("a/b:c*d?e[f]g\\h'", "a_b_c_d_e_f_g_h");
	assert_sheet_name("'引号'", "引号");
	/* 31 characters at most. */
	assert_sheet_name("浙江省外贸预警点联系人及企业联络员名单二零二四年第一季度汇总表格",
	    "浙江省外贸预警点联系人及企业联络员名单二零二四年第一季度汇总表");
	assert_sheet_name("history", "History_");
	assert_sheet_name("", "Sheet1");
	assert_sheet_name(NULL, "Sheet1");
	assert_sheet_name("'''", "Sheet1");
	assert_sheet_name("bad\xff\x01", "bad__");
}

static void
test_xlsx_dirty_text(void **state)
{
	static const char *const h[] = { "\x80列", "长" };
	static const bool num[] = { true, false };
	const char	*c[4];
	struct xtable	 t = { "脏\xc3数据\x02", 2, h, num, 2, c, NULL };
	char		*dump, *sst, *sheet, *big, *p, *props;
	size_t		 i, n;

	if (!have_python())
		skip();
	/* 40000 CJK characters: Excel takes 32767. */
	big = malloc(40000 * 3 + 1);
	assert_non_null(big);
	for (i = 0; i < 40000; i++)
		memcpy(big + 3 * i, "中", 3);
	big[40000 * 3] = '\0';
	c[0] = "ab\xff\x01" "cd", c[1] = big;
	c[2] = "99999999999999999", c[3] = "tab\there";

	dump = xlsx_dump(&t);
	sst = part(dump, "xl/sharedStrings.xml");
	sheet = part(dump, "xl/worksheets/sheet1.xml");
	assert_non_null(strstr(sst, "ab\xef\xbf\xbd_x0001_cd"));
	assert_non_null(strstr(sst, "<t>\xef\xbf\xbd列</t>"));
	assert_non_null(strstr(sst, "脏\xef\xbf\xbd数据_x0002_"));
	/* Document properties take no control characters. */
	props = part(dump, "docProps/core.xml");
	assert_non_null(strstr(props, "<dc:title>脏\xef\xbf\xbd数据 </dc:title>"));
	free(props);
	assert_non_null(strstr(sst, "tab\there"));
	/* Too many digits for a double: kept as text. */
	assert_non_null(strstr(sst, "<t>99999999999999999</t>"));
	for (n = 0, p = sst; (p = strstr(p, "中")) != NULL; p += 3)
		n++;
	assert_int_equal(n, 32767);
	free(sheet);
	free(sst);
	free(dump);
	free(big);
}

static void
test_xlsx_limits(void **state)
{
	static const char *const h[] = { "列" };
	struct xtable	 t = { "t", 0, h, NULL, 0, NULL, NULL };
	struct buf	 b = { NULL, 0, 0 };
	char		 err[256];

	buf_puts(&b, "kept");
	err[0] = '\0';
	assert_int_equal(export_xlsx(&t, &b, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
	t.ncols = 16385;
	err[0] = '\0';
	assert_int_equal(export_xlsx(&t, &b, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
	t.ncols = 1, t.nrows = 1048575;
	err[0] = '\0';
	assert_int_equal(export_xlsx(&t, &b, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
	assert_string_equal(b.data, "kept");

	/* Header only, one column, and appended to what out holds. */
	t.nrows = 0;
	assert_int_equal(export_xlsx(&t, &b, err, sizeof(err)), 0);
	assert_memory_equal(b.data, "keptPK\x03\x04", 8);
	buf_free(&b);
}

#define NTHREADS 20

struct job {
	pthread_t	 th;
	struct buf	 out;
	int		 rc;
	char		 err[256];
};

static void *
exporter(void *arg)
{
	struct job *j = arg;

	j->rc = export_xlsx(&table, &j->out, j->err, sizeof(j->err));
	return NULL;
}

static void
test_xlsx_threads(void **state)
{
	struct job	 jobs[NTHREADS];
	char		 args[NTHREADS * 80 + 16], path[512], *res;
	size_t		 i, len;

	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_create(&jobs[i].th, NULL, exporter,
		    &jobs[i]), 0);
	for (i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_join(jobs[i].th, NULL), 0);

	len = (size_t)snprintf(args, sizeof(args), "same");
	for (i = 0; i < NTHREADS; i++) {
		if (jobs[i].rc != 0)
			fail_msg("thread %zu: %s", i, jobs[i].err);
		assert_memory_equal(jobs[i].out.data, "PK\x03\x04", 4);
		snprintf(path, sizeof(path), "%s/t%02zu.xlsx", tmpdir, i);
		save(path, &jobs[i].out);
		len += (size_t)snprintf(args + len, sizeof(args) - len, " %s", path);
	}
	if (have_python()) {
		res = run_py(args);
		assert_string_equal(res, "SAME 20\n");
		free(res);
	}
	for (i = 0; i < NTHREADS; i++) {
		snprintf(path, sizeof(path), "%s/t%02zu.xlsx", tmpdir, i);
		unlink(path);
		buf_free(&jobs[i].out);
	}
}

/* Every export removed its scratch directory. */
static void
test_no_leftovers(void **state)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	d = opendir(tmpdir);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    strcmp(e->d_name, "check.py") != 0) {
			print_error("left over: %s\n", e->d_name);
			n++;
		}
	closedir(d);
	assert_int_equal(n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_exact),
		cmocka_unit_test(test_csv_edges),
		cmocka_unit_test(test_disposition),
		cmocka_unit_test(test_disposition_long_name),
		cmocka_unit_test(test_xlsx_content),
		cmocka_unit_test(test_xlsx_sheet_names),
		cmocka_unit_test(test_xlsx_dirty_text),
		cmocka_unit_test(test_xlsx_limits),
		cmocka_unit_test(test_xlsx_threads),
		cmocka_unit_test(test_no_leftovers),
	};
	FILE	*f;
	int	 rc;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	setenv("TMPDIR", tmpdir, 1);
	snprintf(script, sizeof(script), "%s/check.py", tmpdir);
	if ((f = fopen(script, "w")) == NULL || fputs(py, f) == EOF ||
	    fclose(f) != 0) {
		perror(script);
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(script);
	rmdir(tmpdir);
	return rc;
}
