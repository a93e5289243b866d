/* yujing — libFuzzer harness: a scoring standard loaded as a candidate
 * (compiled in the sandbox, run to define its functions, checked), as
 * POST /api/rules/preview and a reload do, within the sandbox's limits. */
#include <stddef.h>
#include <stdint.h>

#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 once;
	struct rules_candidate	 c;
	char			 err[512];

	if (!once) {
		/* A fixed time limit: no measuring at every start. */
		rules_set_limits(8u << 20, 200000, 1000);
		once = 1;
	}
	if (rules_candidate_open(&c, "2019.lua", (const char *)data, size, err, sizeof(err)) == 0)
		rules_candidate_close(&c);
	return 0;
}
