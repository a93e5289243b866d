/* yujing — the monthly bulletin (see bulletin.h). */
#include "bulletin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <jansson.h>
#include <pango/pangocairo.h>

#include "access.h"
#include "clock.h"
#include "publication.h"

/* ------------------------------------------------------------- names */

int
bulletin_parse_name(const char *name, int *year, int *month, enum bulletin_format *fmt)
{
	const char	*ext;
	int		 i;

	if (name == NULL || (ext = strchr(name, '.')) == NULL)
		return -1;
	if (strcmp(ext, ".pdf") == 0)
		*fmt = BULLETIN_PDF;
	else if (strcmp(ext, ".html") == 0)
		*fmt = BULLETIN_HTML;
	else
		return -1;
	if (ext - name != 7 || name[4] != '-')
		return -1;
	for (i = 0; i < 7; i++)
		if (i != 4 && (name[i] < '0' || name[i] > '9'))
			return -1;
	*year = (name[0] - '0') * 1000 + (name[1] - '0') * 100 + (name[2] - '0') * 10 + (name[3] - '0');
	*month = (name[5] - '0') * 10 + (name[6] - '0');
	if (*year < 2000 || *year > 2999 || *month < 1 || *month > 12)
		return -1;
	return 0;
}

/* ---------------------------------------------------------- grouping */

static int
cmp_item(const void *pa, const void *pb)
{
	const struct bulletin_item *a = pa, *b = pb;
	int c;

	if (a->measure_sort != b->measure_sort)
		return a->measure_sort < b->measure_sort ? -1 : 1;
	if ((c = strcmp(a->measure_code, b->measure_code)) != 0)
		return c;
	if (a->country_sort != b->country_sort)
		return a->country_sort < b->country_sort ? -1 : 1;
	if ((c = strcmp(a->country_code, b->country_code)) != 0)
		return c;
	if ((c = strcmp(a->published_at, b->published_at)) != 0)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

void
bulletin_group(struct bulletin *b)
{
	size_t i;

	free(b->groups);
	b->groups = NULL;
	b->ngroups = 0;
	if (b->nitems == 0)
		return;
	qsort(b->items, b->nitems, sizeof(*b->items), cmp_item);
	b->groups = calloc(b->nitems, sizeof(*b->groups));
	if (b->groups == NULL)
		abort();
	for (i = 0; i < b->nitems; i++) {
		const struct bulletin_item *it = &b->items[i], *prev = i ? &b->items[i - 1] : NULL;
		bool new_measure = prev == NULL || strcmp(prev->measure_code, it->measure_code) != 0;

		if (new_measure || strcmp(prev->country_code, it->country_code) != 0) {
			b->groups[b->ngroups].first = i;
			b->groups[b->ngroups].new_measure = new_measure;
			b->ngroups++;
		}
		b->groups[b->ngroups - 1].n++;
	}
}

static void
item_free(struct bulletin_item *it)
{
	free(it->title);
	free(it->measure_code);
	free(it->measure_name);
	free(it->country_code);
	free(it->country_name);
	free(it->industry_name);
	free(it->point_name);
	free(it->published_at);
	free(it->hs_codes);
	free(it->source_url);
	free(it->content);
}

void
bulletin_free(struct bulletin *b)
{
	size_t i;

	for (i = 0; i < b->nitems; i++)
		item_free(&b->items[i]);
	free(b->items);
	free(b->groups);
	memset(b, 0, sizeof(*b));
}

/* -------------------------------------------------------------- load */

static char *
copy(const char *s)
{
	char *d = strdup(s ? s : "");

	if (d == NULL)
		abort();
	return d;
}

int
bulletin_load(struct db *db, const struct actor *a, int year, int month, struct bulletin *b,
    struct outcome *o)
{
	/* Published: a warning approved with 发布到预警工作交流 (the same
	 * condition as the events' publication = 'published'); a revert puts
	 * it back to submitted, so it drops out.  Its month is the month of
	 * that approval (decided_at). */
	static const char sql[] =
	    "SELECT s.id, s.title, s.fields, s.decided_at, "
	    " COALESCE(JSON_VALUE(s.fields, '$.measure_type'), ''), COALESCE(mt.name, '其他'), "
	    " COALESCE(mt.sort, 1000000), "
	    " COALESCE(JSON_VALUE(s.fields, '$.country'), ''), COALESCE(c.name, '其他'), "
	    " COALESCE(c.sort, 1000000), COALESCE(ind.name, ''), "
	    " COALESCE(p.name, CONCAT(COALESCE(r.name, ''), '商务局')) "
	    "FROM submissions s "
	    "LEFT JOIN points p ON p.id = s.point_id "
	    "LEFT JOIN regions r ON r.code = s.city "
	    "LEFT JOIN measure_types mt ON mt.code = JSON_VALUE(s.fields, '$.measure_type') "
	    "LEFT JOIN countries c ON c.code = JSON_VALUE(s.fields, '$.country') "
	    "LEFT JOIN industries ind ON ind.code = JSON_VALUE(s.fields, '$.industry') "
	    "WHERE " PUB_WHERE " "
	    "AND s.decided_at >= ? AND s.decided_at < ? AND (? IS NULL OR s.city = ?) "
	    "ORDER BY s.id";
	static const char city_sql[] = "SELECT name FROM regions WHERE code = ?";
	char		 from[20], to[20];
	const char	*city = NULL;
	struct db_res	 res;
	size_t		 i, k;
	int		 rc;

	memset(b, 0, sizeof(*b));
	if (a->role != ROLE_PROVINCE && a->role != ROLE_CITY)
		return outcome_set(o, OUT_FORBIDDEN, NULL, "预警信息专刊仅供省商务厅和地市商务局查看");
	b->year = year;
	b->month = month;
	clock_text(b->made_at);
	snprintf(b->scope, sizeof(b->scope), "全省");
	if (a->role == ROLE_CITY) {
		city = a->city;
		if ((rc = db_query(db, &res, city_sql, "s", city)) != DB_OK)
			return outcome_db(o, rc);
		snprintf(b->scope, sizeof(b->scope), "%s", res.nrows ? db_res_str(&res, 0, 0) : city);
		db_res_free(&res);
	}
	snprintf(from, sizeof(from), "%04d-%02d-01 00:00:00", year, month);
	snprintf(to, sizeof(to), "%04d-%02d-01 00:00:00", month == 12 ? year + 1 : year,
	    month == 12 ? 1 : month + 1);
	if ((rc = db_query(db, &res, sql, "ssss", from, to, city, city)) != DB_OK)
		return outcome_db(o, rc);
	b->items = calloc(res.nrows ? res.nrows : 1, sizeof(*b->items));
	if (b->items == NULL)
		abort();
	for (i = 0; i < res.nrows; i++) {
		struct bulletin_item *it = &b->items[b->nitems++];
		json_t		*fields = json_loads(db_res_str(&res, i, 2), 0, NULL), *v;
		struct buf	 hs = { 0 };

		it->id = db_res_int(&res, i, 0);
		it->title = copy(db_res_str(&res, i, 1));
		it->published_at = copy(db_res_str(&res, i, 3));
		it->measure_code = copy(db_res_str(&res, i, 4));
		it->measure_name = copy(db_res_str(&res, i, 5));
		it->measure_sort = db_res_int(&res, i, 6);
		it->country_code = copy(db_res_str(&res, i, 7));
		it->country_name = copy(db_res_str(&res, i, 8));
		it->country_sort = db_res_int(&res, i, 9);
		it->industry_name = copy(db_res_str(&res, i, 10));
		it->point_name = copy(db_res_str(&res, i, 11));
		json_array_foreach(json_object_get(fields, "hs_codes"), k, v)
			if (json_is_string(v))
				buf_printf(&hs, "%s%s", hs.len ? "、" : "", json_string_value(v));
		it->hs_codes = copy(hs.data);
		buf_free(&hs);
		it->source_url = copy(json_string_value(json_object_get(fields, "source_url")));
		it->content = copy(json_string_value(json_object_get(fields, "content")));
		json_decref(fields);
	}
	db_res_free(&res);
	bulletin_group(b);
	outcome_ok(o, 0);
	return 0;
}

/* ------------------------------------------------------------- words */

/* 1 → 一, 12 → 十二, 21 → 二十一 (up to 99). */
static void
cn_number(int n, char *out, size_t sz)
{
	static const char *d[] = { "", "一", "二", "三", "四", "五", "六", "七", "八", "九" };

	if (n < 10)
		snprintf(out, sz, "%s", n > 0 ? d[n] : "零");
	else if (n < 20)
		snprintf(out, sz, "十%s", d[n % 10]);
	else if (n < 100)
		snprintf(out, sz, "%s十%s", d[n / 10], d[n % 10]);
	else
		snprintf(out, sz, "%d", n);
}

/* The measure type's heading of group g: "一、反倾销". */
static void
measure_heading(const struct bulletin *b, size_t g, char *out, size_t sz)
{
	char	 num[16];
	int	 k = 0;
	size_t	 i;

	for (i = 0; i <= g; i++)
		k += b->groups[i].new_measure;
	cn_number(k, num, sizeof(num));
	snprintf(out, sz, "%s、%s", num, b->items[b->groups[g].first].measure_name);
}

/* --------------------------------------------------------------- PDF */

#define PAGE_W	595.276		/* A4 in points */
#define PAGE_H	841.890
#define MARGIN_X 62.0
#define MARGIN_TOP 66.0
#define MARGIN_BOTTOM 70.0
#define TEXT_W	(PAGE_W - 2 * MARGIN_X)
#define FONT	"WenQuanYi Micro Hei"

struct pen {
	cairo_surface_t	*surface;
	cairo_t		*cr;
	PangoContext	*pc;
	bool		 draw;		/* the second pass: draw and link */
	double		 y;
	int		 page;		/* 1-based */
	int		 pages;		/* of the first pass (for "共 N 页") */
};

static cairo_status_t
to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t
to_nowhere(void *closure, const unsigned char *data, unsigned int len)
{
	(void)closure;
	(void)data;
	(void)len;
	return CAIRO_STATUS_SUCCESS;
}

static PangoLayout *
layout(struct pen *p, const char *text, const char *font, double width)
{
	PangoLayout		*l = pango_layout_new(p->pc);
	PangoFontDescription	*fd = pango_font_description_from_string(font);

	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(l, text, -1);
	return l;
}

static void
footer(struct pen *p)
{
	char		 text[64];
	PangoLayout	*l;
	int		 w, h;

	if (!p->draw)
		return;
	snprintf(text, sizeof(text), "第 %d 页，共 %d 页", p->page, p->pages);
	l = layout(p, text, FONT " 9", TEXT_W);
	pango_layout_get_pixel_size(l, &w, &h);
	cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
	cairo_move_to(p->cr, (PAGE_W - w) / 2, PAGE_H - MARGIN_BOTTOM + 24);
	pango_cairo_show_layout(p->cr, l);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	g_object_unref(l);
}

static void
new_page(struct pen *p)
{
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN_TOP;
}

/* Room for h more points on this page, or a new page. */
static void
need(struct pen *p, double h)
{
	if (p->y + h > PAGE_H - MARGIN_BOTTOM && p->y > MARGIN_TOP)
		new_page(p);
}

/* Flows text line by line from the pen down, onto new pages as it fills
 * them; grey for the meta lines. */
static void
flow(struct pen *p, const char *text, const char *font, double indent, double before,
    double grey)
{
	PangoLayout	*l;
	PangoLayoutIter	*it;

	if (text == NULL || *text == '\0')
		return;
	p->y += before;
	l = layout(p, text, font, TEXT_W - indent);
	pango_layout_set_spacing(l, 3 * PANGO_SCALE);
	it = pango_layout_get_iter(l);
	do {
		PangoRectangle	 r;
		int		 baseline = pango_layout_iter_get_baseline(it);
		double		 h;

		pango_layout_iter_get_line_extents(it, NULL, &r);
		h = (double)r.height / PANGO_SCALE + 3;
		need(p, h);
		if (p->draw) {
			cairo_set_source_rgb(p->cr, grey, grey, grey);
			cairo_move_to(p->cr, MARGIN_X + indent + (double)r.x / PANGO_SCALE,
			    p->y + (double)(baseline - r.y) / PANGO_SCALE);
			pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
			cairo_set_source_rgb(p->cr, 0, 0, 0);
		}
		p->y += h;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	g_object_unref(l);
}

/* A contents line: the entry (one line, shortened with … when too long),
 * a dotted leader and the page number at the right. */
static void
contents_line(struct pen *p, const char *text, int page, double indent, const char *font)
{
	PangoLayout	*l, *n;
	char		 num[16];
	int		 tw, th, nw, nh;

	need(p, 20);
	snprintf(num, sizeof(num), "%d", page);
	l = layout(p, text, font, TEXT_W - indent - 60);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	n = layout(p, num, font, 60);
	pango_layout_get_pixel_size(l, &tw, &th);
	pango_layout_get_pixel_size(n, &nw, &nh);
	if (p->draw) {
		cairo_move_to(p->cr, MARGIN_X + indent, p->y);
		pango_cairo_show_layout(p->cr, l);
		cairo_move_to(p->cr, MARGIN_X + TEXT_W - nw, p->y);
		pango_cairo_show_layout(p->cr, n);
		cairo_save(p->cr);
		cairo_set_source_rgb(p->cr, 0.55, 0.55, 0.55);
		cairo_set_line_width(p->cr, 0.8);
		cairo_set_dash(p->cr, (const double[]){ 0.8, 3.2 }, 2, 0);
		cairo_move_to(p->cr, MARGIN_X + indent + tw + 6, p->y + th * 0.75);
		cairo_line_to(p->cr, MARGIN_X + TEXT_W - nw - 6, p->y + th * 0.75);
		cairo_stroke(p->cr);
		cairo_restore(p->cr);
	}
	p->y += th + 6;
	g_object_unref(l);
	g_object_unref(n);
}

/* One pass over the whole document. */
static void
render(struct bulletin *b, struct pen *p)
{
	char		 line[512], head[160];
	size_t		 g, i;
	int		 parent = 0;

	p->page = 1;
	p->y = MARGIN_TOP;
	snprintf(line, sizeof(line), "%d年%d月", b->year, b->month);
	flow(p, "外贸预警服务平台", FONT " 11", 0, 0, 0.35);
	flow(p, "国际贸易风险预警信息专刊", FONT " Bold 24", 0, 10, 0);
	flow(p, line, FONT " 16", 0, 6, 0);
	snprintf(line, sizeof(line), "范围：%s　　收录本月发布到“预警工作交流”的预警信息 %zu 条　　编制时间：%.16s",
	    b->scope, b->nitems, b->made_at);
	flow(p, line, FONT " 9.5", 0, 10, 0.35);
	if (p->draw) {
		cairo_set_line_width(p->cr, 1.2);
		cairo_set_source_rgb(p->cr, 0.7, 0.1, 0.1);
		cairo_move_to(p->cr, MARGIN_X, p->y + 8);
		cairo_line_to(p->cr, MARGIN_X + TEXT_W, p->y + 8);
		cairo_stroke(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
	p->y += 20;
	flow(p, "目　录", FONT " Bold 15", 0, 6, 0);
	p->y += 8;
	if (b->ngroups == 0)
		flow(p, "本月没有发布到“预警工作交流”的预警信息。", FONT " 11", 0, 4, 0);
	for (g = 0; g < b->ngroups; g++) {
		const struct bulletin_item *it = &b->items[b->groups[g].first];

		if (b->groups[g].new_measure) {
			measure_heading(b, g, head, sizeof(head));
			contents_line(p, head, b->groups[g].page, 0, FONT " Bold 11");
		}
		snprintf(line, sizeof(line), "%s（%zu 条）", it->country_name, b->groups[g].n);
		contents_line(p, line, b->groups[g].page, 24, FONT " 10.5");
	}
	for (g = 0; g < b->ngroups; g++) {
		const struct bulletin_group *gr = &b->groups[g];
		const struct bulletin_item *first = &b->items[gr->first];

		if (g == 0 || gr->new_measure)
			new_page(p);
		else
			need(p, 120);
		b->groups[g].page = p->page;
		if (gr->new_measure) {
			measure_heading(b, g, head, sizeof(head));
			snprintf(line, sizeof(line), "page=%d pos=[%.0f %.0f]", p->page, MARGIN_X, p->y);
			if (p->draw)
				parent = cairo_pdf_surface_add_outline(p->surface,
				    CAIRO_PDF_OUTLINE_ROOT, head, line, 0);
			flow(p, head, FONT " Bold 16", 0, 0, 0);
		}
		snprintf(line, sizeof(line), "page=%d pos=[%.0f %.0f]", p->page, MARGIN_X, p->y);
		if (p->draw)
			cairo_pdf_surface_add_outline(p->surface, parent, first->country_name, line, 0);
		flow(p, first->country_name, FONT " Bold 13", 0, 10, 0.15);
		for (i = gr->first; i < gr->first + gr->n; i++) {
			const struct bulletin_item *it = &b->items[i];

			need(p, 70);
			flow(p, it->title, FONT " Bold 12", 0, 12, 0);
			snprintf(line, sizeof(line), "上报单位：%s　　发布时间：%.10s　　所属行业：%s%s%s",
			    it->point_name, it->published_at, it->industry_name,
			    it->hs_codes[0] ? "　　HS编码：" : "", it->hs_codes);
			flow(p, line, FONT " 9", 0, 4, 0.35);
			flow(p, it->content, FONT " 10.5", 0, 6, 0);
			if (it->source_url[0]) {
				snprintf(line, sizeof(line), "信息来源：%s", it->source_url);
				flow(p, line, FONT " 9", 0, 4, 0.35);
			}
		}
	}
	footer(p);
	cairo_show_page(p->cr);
}

/* One pass onto a surface writing to fn/closure. */
static int
pass(struct bulletin *b, struct pen *p, cairo_write_func_t fn, void *closure,
    PangoFontMap *fm)
{
	cairo_status_t	 st;
	char		 title[64];

	p->surface = cairo_pdf_surface_create_for_stream(fn, closure, PAGE_W, PAGE_H);
	cairo_pdf_surface_restrict_to_version(p->surface, CAIRO_PDF_VERSION_1_5);
	snprintf(title, sizeof(title), "国际贸易风险预警信息专刊 %d年%d月", b->year, b->month);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "yujing");
	p->cr = cairo_create(p->surface);
	p->pc = pango_font_map_create_context(fm);
	pango_cairo_update_context(p->cr, p->pc);
	render(b, p);
	g_object_unref(p->pc);
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	st = cairo_surface_status(p->surface);
	cairo_surface_destroy(p->surface);
	return st == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

int
bulletin_pdf(struct bulletin *b, struct buf *out)
{
	struct pen	 p;
	PangoFontMap	*fm;
	int		 rc;

	/* A font map of its own per document, at 72 dpi so that a font's
	 * size is in points: nothing is kept between requests or threads. */
	fm = pango_cairo_font_map_new();
	pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(fm), 72);
	/* First pass: where each group lands and how many pages there are;
	 * the second draws, with the contents' page numbers known. */
	memset(&p, 0, sizeof(p));
	rc = pass(b, &p, to_nowhere, NULL, fm);
	if (rc == 0) {
		p.pages = p.page;
		p.draw = true;
		rc = pass(b, &p, to_buf, out, fm);
	}
	g_object_unref(fm);
	return rc;
}

void
bulletin_cleanup(void)
{
	FcFini();
}

/* -------------------------------------------------------------- HTML */

/* s escaped for HTML text or an attribute; br: line breaks as <br>. */
static void
esc_text(struct buf *o, const char *s, bool br)
{
	for (; *s; s++)
		switch (*s) {
		case '\n':
			buf_puts(o, br ? "<br>\n" : "\n");
			break;
		case '<': buf_puts(o, "&lt;"); break;
		case '>': buf_puts(o, "&gt;"); break;
		case '&': buf_puts(o, "&amp;"); break;
		case '"': buf_puts(o, "&quot;"); break;
		case '\'': buf_puts(o, "&#39;"); break;
		default: buf_add(o, s, 1);
		}
}

static void
esc(struct buf *o, const char *s)
{
	esc_text(o, s, false);
}

void
bulletin_html(const struct bulletin *b, struct buf *o)
{
	char	 head[160];
	size_t	 g, i;

	buf_printf(o, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<title>国际贸易风险预警信息专刊 %d年%d月</title>\n</head>\n<body>\n"
	    "<header>\n<p>外贸预警服务平台</p>\n<h1>国际贸易风险预警信息专刊</h1>\n"
	    "<p class=\"issue\">%d年%d月</p>\n<p class=\"meta\">范围：", b->year, b->month,
	    b->year, b->month);
	esc(o, b->scope);
	buf_printf(o, "　收录本月发布到“预警工作交流”的预警信息 <span class=\"count\">%zu</span> 条"
	    "　编制时间：%.16s</p>\n</header>\n<nav id=\"contents\">\n<h2>目录</h2>\n", b->nitems,
	    b->made_at);
	if (b->ngroups == 0)
		buf_puts(o, "<p class=\"empty\">本月没有发布到“预警工作交流”的预警信息。</p>\n");
	else
		buf_puts(o, "<ol>\n");
	for (g = 0; g < b->ngroups; g++) {
		const struct bulletin_item *it = &b->items[b->groups[g].first];

		if (b->groups[g].new_measure) {
			if (g > 0)
				buf_puts(o, "</ol></li>\n");
			measure_heading(b, g, head, sizeof(head));
			buf_printf(o, "<li><a href=\"#m%zu\">", g);
			esc(o, head);
			buf_puts(o, "</a><ol>\n");
		}
		buf_printf(o, "<li><a href=\"#g%zu\">", g);
		esc(o, it->country_name);
		buf_printf(o, "</a>（%zu 条）</li>\n", b->groups[g].n);
	}
	if (b->ngroups > 0)
		buf_puts(o, "</ol></li>\n</ol>\n");
	buf_puts(o, "</nav>\n<main>\n");
	for (g = 0; g < b->ngroups; g++) {
		const struct bulletin_group *gr = &b->groups[g];

		if (gr->new_measure) {
			if (g > 0)
				buf_puts(o, "</section>\n");
			measure_heading(b, g, head, sizeof(head));
			buf_printf(o, "<section class=\"measure\" data-measure=\"");
			esc(o, b->items[gr->first].measure_code);
			buf_printf(o, "\">\n<h2 id=\"m%zu\">", g);
			esc(o, head);
			buf_puts(o, "</h2>\n");
		}
		buf_printf(o, "<section class=\"country\" data-country=\"");
		esc(o, b->items[gr->first].country_code);
		buf_printf(o, "\">\n<h3 id=\"g%zu\">", g);
		esc(o, b->items[gr->first].country_name);
		buf_puts(o, "</h3>\n");
		for (i = gr->first; i < gr->first + gr->n; i++) {
			const struct bulletin_item *it = &b->items[i];

			buf_printf(o, "<article data-id=\"%lld\">\n<h4>", it->id);
			esc(o, it->title);
			buf_puts(o, "</h4>\n<p class=\"meta\">上报单位：");
			esc(o, it->point_name);
			buf_printf(o, "　发布时间：%.10s　所属行业：", it->published_at);
			esc(o, it->industry_name);
			if (it->hs_codes[0]) {
				buf_puts(o, "　HS编码：");
				esc(o, it->hs_codes);
			}
			buf_puts(o, "</p>\n<div class=\"content\">");
			esc_text(o, it->content, true);
			buf_puts(o, "</div>\n");
			if (it->source_url[0]) {
				buf_puts(o, "<p class=\"source\">信息来源：");
				esc(o, it->source_url);
				buf_puts(o, "</p>\n");
			}
			buf_puts(o, "</article>\n");
		}
		buf_puts(o, "</section>\n");
	}
	if (b->ngroups > 0)
		buf_puts(o, "</section>\n");
	buf_puts(o, "</main>\n</body>\n</html>\n");
}
