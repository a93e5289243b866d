/* yujing — libFuzzer harness: a JSON body against a field table, as the
 * handlers declare theirs (every type and flag, the field checks of
 * validators.h), inside and outside a prefix. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "http.h"
#include "validate.h"
#include "validators.h"

static const struct vfield fields[] = {
	{ "name",	"名称",	VT_STRING, VF_REQUIRED, 1, 64, NULL },
	{ "phone",	"电话",	VT_STRING, VF_NULLABLE, 0, 32, check_phone },
	{ "mobile",	"手机",	VT_STRING, VF_NULLABLE, 0, 32, check_mobile },
	{ "email",	"邮箱",	VT_STRING, 0, 0, 128, check_email },
	{ "url",	"网址",	VT_STRING, 0, 0, 255, check_url },
	{ "credit_code", "统一社会信用代码", VT_STRING, 0, 18, 18, check_credit_code },
	{ "founded",	"成立年份", VT_STRING, 0, 4, 4, check_year_founded },
	{ "approval_no", "批准文号", VT_STRING, 0, 0, 64, check_approval_no },
	{ "password",	"密码",	VT_STRING, VF_RAW, 8, 128, NULL },
	{ "count",	"数量",	VT_INT, VF_NULLABLE, -5, 1000000, NULL },
	{ "version",	"版本",	VT_INT, VF_REQUIRED, 1, 2147483647LL, NULL },
	{ "active",	"启用",	VT_BOOL, 0, 0, 0, NULL },
};
#define NF (sizeof(fields) / sizeof(fields[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vval	 out[NF];
	struct req	 r;
	json_t		*root;
	json_error_t	 e;

	root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
	if (root == NULL)
		return 0;
	memset(&r, 0, sizeof(r));
	if (json_is_object(root)) {
		(void)validate_object(&r, root, fields, NF, out);
		buf_free(&r.out);
		buf_free(&r.headers);
		memset(&r, 0, sizeof(r));
		(void)validate_object_at(&r, root, fields, NF, out, "members[2].");
	}
	http_req_free(&r);
	json_decref(root);
	return 0;
}
