/* yujing — unit tests: title similarity of likely duplicates
 * (core/duplicates.h): normalising and the bigram Dice coefficient on
 * Chinese titles. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "duplicates.h"

static void
test_normalise_drops_punctuation_and_folds_width(void **state)
{
	uint32_t	 cp[64];
	size_t		 n;

	/* “” 、《》 and spaces go; Ａ２ become a2. */
	n = dup_normalise("《美国》“反倾销”、 Ａ２ 调查！", cp, 64);
	assert_int_equal(n, 9);
	assert_int_equal(cp[0], 0x7f8e);	/* 美 */
	assert_int_equal(cp[2], 0x53cd);	/* 反 */
	assert_int_equal(cp[5], 'a');
	assert_int_equal(cp[6], '2');
	assert_int_equal(cp[7], 0x8c03);	/* 调 */
	n = dup_normalise("EU  REACH, SVHC.", cp, 64);
	assert_int_equal(n, 11);
	assert_int_equal(cp[0], 'e');
	assert_int_equal(dup_normalise("", cp, 64), 0);
	assert_int_equal(dup_normalise(NULL, cp, 64), 0);
	/* A bad byte is skipped, not a crash. */
	assert_int_equal(dup_normalise("美\xff国", cp, 64), 2);
	/* Never more than max. */
	assert_int_equal(dup_normalise("一二三四五六", cp, 3), 3);
}

static void
test_similarity_of_chinese_titles(void **state)
{
	/* The same announcement, punctuation and a word apart. */
	const char *a = "美国对华钢制品发起反倾销调查";
	const char *b = "美国对华钢制品发起“反倾销”调查！";
	const char *c = "美国对原产于中国的钢制品发起反倾销调查";
	const char *d = "欧盟发布玩具安全新指令";
	double s;

	assert_true(dup_similarity(a, a) == 1.0);
	assert_true(dup_similarity(a, b) == 1.0);
	/* a: 13 bigrams; c: 18; shared 美国 国对 钢制 制品 品发 发起 起反 反倾 倾销 销调 调查 = 11:
	 * 2·11 / 31 = 0.71 */
	s = dup_similarity(a, c);
	assert_true(s > 0.70 && s < 0.72);
	assert_true(dup_similarity(c, a) == s);
	assert_true(dup_similarity(a, d) < 0.1);
	/* The same template about another product is still flagged (7 of 11
	 * and 10 bigrams shared: 14/21): a hint for the reviewer, who judges. */
	s = dup_similarity("美国对华钢制品反倾销调查", "美国对华家具反倾销调查");
	assert_true(s > 0.66 && s < 0.67);
	/* Another announcement of the same country: well below. */
	assert_true(dup_similarity("美国对华钢制品反倾销调查", "美国更新337调查排除令清单") < 0.2);
	/* A repeated bigram counts as often as it occurs in both. */
	s = dup_similarity("哈哈哈哈", "哈哈");	/* {哈哈×3} vs {哈哈×1}: 2·1/4 */
	assert_true(s > 0.49 && s < 0.51);
	/* One character: equal or not. */
	assert_true(dup_similarity("税", "税") == 1.0);
	assert_true(dup_similarity("税", "费") == 0.0);
	assert_true(dup_similarity("", "") == 0.0);
	assert_true(dup_similarity("，。", "美国") == 0.0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise_drops_punctuation_and_folds_width),
		cmocka_unit_test(test_similarity_of_chinese_titles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
