/* libFuzzer target: any bytes through the whole front end (preprocess,
 * lex, parse, check, print). It must never crash, hang or leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "define_script.h"
#include "frontend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	config_init(&cfg);
	/* Defines longer and shorter than their names, so substitution and
	 * the column map back to the original text are exercised too. */
	cfg.defines = calloc(2, sizeof(*cfg.defines));
	cfg.defines[0].name = strdup("CODE");
	cfg.defines[0].value = strdup("host_unreachable");
	cfg.defines[1].name = strdup("LONGNAME");
	cfg.defines[1].value = strdup("1");
	cfg.define_count = 2;
	config_finish(&cfg);

	struct diag err;
	memset(&err, 0, sizeof(err));
	struct script *s = NULL;
	/* In-script --define lines come first, as script_load does it. */
	if (script_defines_apply("fuzz.pkt", (const char *)data, size, &cfg, &err))
		s = script_parse_text("fuzz.pkt", (const char *)data, size, &cfg, &err);
	if (s) {
		if (script_check(s, &cfg, &err) == 0) {
			/* The printed text must parse again. */
			char *text = NULL;
			size_t len = 0;
			FILE *out = open_memstream(&text, &len);
			script_print(s, out);
			fclose(out);
			struct script *again = script_parse_text("fuzz-print.pkt", text, len, &cfg, &err);
			if (!again)
				abort();
			script_free(again);
			free(text);
		}
		script_free(s);
	} else {
		/* A position is in the script's own text: never before column 1. */
		if (err.line > 0 && err.column < 1)
			abort();
		FILE *null = fopen("/dev/null", "w");
		diag_print(&err, null);
		fclose(null);
	}
	config_free(&cfg);
	return 0;
}
