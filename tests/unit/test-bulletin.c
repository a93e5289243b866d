/* yujing — unit tests: the bulletin's month names and its grouping by
 * measure type and country (core/bulletin.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bulletin.h"

static void
test_month_names(void **state)
{
	enum bulletin_format f;
	int y, m;

	assert_int_equal(bulletin_parse_name("2019-05.pdf", &y, &m, &f), 0);
	assert_int_equal(y, 2019);
	assert_int_equal(m, 5);
	assert_int_equal(f, BULLETIN_PDF);
	assert_int_equal(bulletin_parse_name("2020-12.html", &y, &m, &f), 0);
	assert_int_equal(y, 2020);
	assert_int_equal(m, 12);
	assert_int_equal(f, BULLETIN_HTML);
	assert_int_equal(bulletin_parse_name("2019-13.pdf", &y, &m, &f), -1);
	assert_int_equal(bulletin_parse_name("2019-00.pdf", &y, &m, &f), -1);
	assert_int_equal(bulletin_parse_name("text.pdf", &y, &m, &f), -1);
	assert_int_equal(bulletin_parse_name("text", &y, &m, &f), -1);
	assert_int_equal(bulletin_parse_name("2019-5.pdf", &y, &m, &f), -1);
	assert_int_equal(bulletin_parse_name("2019-05.doc", &y, &m, &f), -1);
	assert_int_equal(bulletin_parse_name("2019-05.pdf.html", &y, &m, &f), -1);
	assert_int_equal(bulletin_parse_name("2019_05.pdf", &y, &m, &f), -1);
	assert_int_equal(bulletin_parse_name("1999-05.pdf", &y, &m, &f), -1);
	assert_int_equal(bulletin_parse_name(NULL, &y, &m, &f), -1);
}

static void
add(struct bulletin *b, long long id, const char *measure, long long msort, const char *country,
    long long csort, const char *at)
{
	struct bulletin_item *it = &b->items[b->nitems++];

	memset(it, 0, sizeof(*it));
	it->id = id;
	it->measure_code = strdup(measure);
	it->measure_name = strdup(measure);
	it->measure_sort = msort;
	it->country_code = strdup(country);
	it->country_name = strdup(country);
	it->country_sort = csort;
	it->published_at = strdup(at);
}

/* Items come in any order; they leave sorted by the dictionaries' order
 * of measure types, then countries, then time, with one group per
 * (measure type, country) and the first group of each measure marked. */
static void
test_grouping(void **state)
{
	struct bulletin b;

	memset(&b, 0, sizeof(b));
	b.items = calloc(6, sizeof(*b.items));
	add(&b, 1, "TBT", 5, "US", 200, "2019-05-10 09:00:00");
	add(&b, 2, "AD", 1, "US", 200, "2019-05-03 09:00:00");
	add(&b, 3, "AD", 1, "EU", 50, "2019-05-20 09:00:00");
	add(&b, 4, "TBT", 5, "US", 200, "2019-05-02 09:00:00");
	add(&b, 5, "AD", 1, "US", 200, "2019-05-03 09:00:00");
	add(&b, 6, "TBT", 5, "JP", 100, "2019-05-30 09:00:00");
	bulletin_group(&b);
	assert_int_equal(b.ngroups, 4);
	/* AD/EU (3), AD/US (2, 5: same time, by id), TBT/JP (6), TBT/US (4, 1). */
	assert_int_equal(b.items[0].id, 3);
	assert_int_equal(b.items[1].id, 2);
	assert_int_equal(b.items[2].id, 5);
	assert_int_equal(b.items[3].id, 6);
	assert_int_equal(b.items[4].id, 4);
	assert_int_equal(b.items[5].id, 1);
	assert_int_equal(b.groups[0].first, 0);
	assert_int_equal(b.groups[0].n, 1);
	assert_true(b.groups[0].new_measure);
	assert_int_equal(b.groups[1].first, 1);
	assert_int_equal(b.groups[1].n, 2);
	assert_false(b.groups[1].new_measure);
	assert_int_equal(b.groups[2].first, 3);
	assert_int_equal(b.groups[2].n, 1);
	assert_true(b.groups[2].new_measure);
	assert_int_equal(b.groups[3].first, 4);
	assert_int_equal(b.groups[3].n, 2);
	assert_false(b.groups[3].new_measure);
	bulletin_free(&b);
}

/* A measure type outside the dictionary (sorted last) still groups by its
 * code; an empty month has no group. */
static void
test_grouping_edges(void **state)
{
	struct bulletin b;

	memset(&b, 0, sizeof(b));
	bulletin_group(&b);
	assert_int_equal(b.ngroups, 0);
	b.items = calloc(3, sizeof(*b.items));
	add(&b, 1, "ZZ", 1000000, "US", 200, "2019-05-10 09:00:00");
	add(&b, 2, "AD", 1, "US", 200, "2019-05-10 09:00:00");
	add(&b, 3, "ZZ", 1000000, "US", 200, "2019-05-01 09:00:00");
	bulletin_group(&b);
	assert_int_equal(b.ngroups, 2);
	assert_int_equal(b.items[0].id, 2);
	assert_int_equal(b.items[1].id, 3);
	assert_int_equal(b.items[2].id, 1);
	assert_int_equal(b.groups[1].n, 2);
	bulletin_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_month_names),
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_grouping_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
