/* SPDX-License-Identifier: GPL-3.0-or-later */
/* driver.c: run a libFuzzer harness on the files given, once each, for
 * builds without libFuzzer (gcc, make SANITIZE=1): the replay of the seed
 * corpus and of the regressions in make check. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The whole file in a buffer of exactly its size, so that reading past
 * the input is caught as it is under libFuzzer. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *exact;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((buf = realloc(buf, cap)) == NULL) {
				fclose(f);
				return NULL;
			}
		}
		if ((r = fread(buf + n, 1, cap - n, f)) == 0)
			break;
		n += r;
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	if ((exact = malloc(n ? n : 1)) != NULL)
		memcpy(exact, buf, n);
	free(buf);
	*len = n;
	return exact;
}

int
main(int argc, char **argv)
{
	uint8_t *data;
	size_t len;
	int i, verbose = argc > 1 && strcmp(argv[1], "-v") == 0;

	for (i = 1 + verbose; i < argc; i++) {
		if ((data = slurp(argv[i], &len)) == NULL) {
			perror(argv[i]);
			return 66;
		}
		if (verbose)
			fprintf(stderr, "%s (%zu bytes)\n", argv[i], len);
		LLVMFuzzerTestOneInput(data, len);
		free(data);
	}
	return 0;
}
