/* yujing — GET /api/bulletins/YYYY-MM.pdf and .html: the monthly bulletin
 * (预警信息专刊, bulletin.h). */
#include <string.h>

#include "app.h"
#include "bulletin.h"
#include "export.h"
#include "handlers.h"
#include "outcome.h"
#include "worker.h"

void
h_bulletin(struct req *r)
{
	const char		*name = strrchr(r->path, '/') + 1;
	struct actor		 a = app_actor(r);
	struct bulletin		 b;
	struct outcome		 o;
	struct buf		 out = { 0 };
	enum bulletin_format	 fmt;
	char			 file[96], fallback[64], disp[EXPORT_DISPOSITION_MAX];
	int			 year, month;

	if (bulletin_parse_name(name, &year, &month, &fmt) == -1) {
		http_error(r, ERR_INVALID,
		    "专刊的月份应写作 YYYY-MM.pdf 或 YYYY-MM.html，如 2019-05.pdf（月份为 01 至 12）",
		    "month");
		return;
	}
	if (bulletin_load(&r->w->db, &a, year, month, &b, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	if (fmt == BULLETIN_PDF) {
		if (bulletin_pdf(&b, &out) == -1) {
			bulletin_free(&b);
			buf_free(&out);
			http_error(r, ERR_INTERNAL, "生成 PDF 文件失败，请联系管理员", NULL);
			return;
		}
		r->out_type = "application/pdf";
	} else {
		bulletin_html(&b, &out);
		r->out_type = "text/html; charset=utf-8";
	}
	bulletin_free(&b);
	snprintf(file, sizeof(file), "预警信息专刊-%04d-%02d.%s", year, month,
	    fmt == BULLETIN_PDF ? "pdf" : "html");
	snprintf(fallback, sizeof(fallback), "bulletin-%04d-%02d.%s", year, month,
	    fmt == BULLETIN_PDF ? "pdf" : "html");
	export_disposition(file, fallback, disp, sizeof(disp));
	/* Shown in the browser, not downloaded; the name for "save as". */
	if (strncmp(disp, "attachment", 10) == 0)
		http_header(r, "Content-Disposition: inline%s", disp + 10);
	else
		http_header(r, "Content-Disposition: %s", disp);
	r->status = 200;
	buf_free(&r->out);
	r->out = out;
}
