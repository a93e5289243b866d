/* yujing — libFuzzer harness: a configuration file through config_load
 * (and config_dump when it loads). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

static void
emit(const char *line, void *arg)
{
	(void)line;
	(void)arg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 path[64];
	struct config	 c;
	char		 err[512];
	FILE		*f;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/yujing-fuzz-conf.%ld", (long)getpid());
	if ((f = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	memset(&c, 0, sizeof(c));
	if (config_load(&c, path, err, sizeof(err)) == 0)
		config_dump(&c, emit, NULL);
	config_free(&c);
	unlink(path);
	return 0;
}
