/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz the config file (common/account.c, common/options.c): the input
 * is the file, parsed with inih as xt_config_load() does, a section
 * chosen, its keys applied to the options and the values checked as
 * xt_opts_finish() checks them. Errors must be configuration errors
 * (exit 78) and leave nothing behind. Both files are compiled in, to
 * reach their static functions. */
#include "../../common/account.c"
#include "../../common/options.c"

#include "fuzz.h"

#define PATH "/home/fuzz/.config/xmpp-tools/config"

static struct parse p;
static struct xt_opts o;

static void
cleanup(void)
{
	char **fields[] = { &o.jid, &o.account, &o.config, &o.password_file,
	    &o.password_fd, &o.password_command, &o.server, &o.tls,
	    &o.cafile, &o.capath, &o.pin, &o.client_cert, &o.client_key,
	    &o.resource, &o.sasl, &o.timeout, &o.output, &o.server_host,
	    &o.password };
	size_t i;

	if (p.f != NULL)
		fclose(p.f);
	for (i = 0; i < p.n; i++) {
		free(p.e[i].section);
		free(p.e[i].name);
		free(p.e[i].value);
	}
	free(p.e);
	memset(&p, 0, sizeof(p));
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		free(*fields[i]);
	memset(&o, 0, sizeof(o));
	forget(&config_password);
	for (i = 0; i < norigins; i++)
		free(origins[i].where);
	memset(origins, 0, sizeof(origins));
	norigins = 0;
}

/* What the command line may preset: nothing, --account of one of the
 * sections, --jid of one of the accounts (and --password-fd), an
 * account the file does not have. */
static void
preset(unsigned mode)
{
	size_t i;

	if (mode == 1)
		o.account = xt_strdup(p.n > 0 ? p.e[p.n / 2].section : "work");
	if (mode == 2) {
		for (i = 0; i < p.n && strcmp(p.e[i].name, "jid") != 0; i++)
			;
		o.jid = xt_strdup(i < p.n ? p.e[i].value : p.n > 0 ?
		    p.e[0].section : "alice@example.org");
		o.password_fd = xt_strdup("3");
	}
	if (mode == 3)
		o.account = xt_strdup("no such account");
}

/* xt_config_load() after the file is read; then xt_opts_finish()'s
 * checks of the values, but for the files they name. */
static void
load(unsigned mode)
{
	const char *section, *why;
	int chosen;
	size_t i;

	ini_read_all(PATH, &p);
	fclose(p.f);
	p.f = NULL;
	for (i = 0; i < p.n; i++) {
		fuzz_assert(p.e[i].line >= 1);
		fuzz_assert(strchr(p.e[i].value, '\n') == NULL);
		fuzz_assert(p.e[i].key != NULL);
	}
	preset(mode);
	section = select_section(&o, &p, PATH);
	fuzz_assert(o.account == NULL || strcmp(section, o.account) == 0);
	chosen = o.password_fd != NULL;
	for (i = p.n; section != NULL && i-- > 0;)
		if (strcmp(p.e[i].section, section) == 0)
			apply(&o, &p.e[i], PATH, &chosen);
	for (i = p.n; i-- > 0;)
		if (*p.e[i].section == '\0')
			apply(&o, &p.e[i], PATH, &chosen);
	if (o.jid == NULL && section != NULL && strchr(section, '@') &&
	    xt_opt_origin(&o.jid) == NULL) {
		o.jid = xt_strdup(section);
		xt_opt_set_origin(&o.jid, PATH);
	}

	if (o.jid == NULL)
		xt_die(XT_CONFIG, "no account");
	if (!xt_jid_valid(o.jid, &why))
		bad_value(&o.jid, "jid", "'%s': %s", o.jid, why);
	check_tls(&o);
	check_output(&o, XT_FMT_TEXT);
	if (o.timeout != NULL)
		o.timeout_s = check_number(&o.timeout, "timeout",
		    TIMEOUT_MIN, TIMEOUT_MAX, 0);
	if (o.password_fd != NULL)
		check_number(&o.password_fd, "password-fd", 0, INT_MAX, 1);
	check_server(&o);
	fuzz_assert(o.server == NULL || o.server_host != NULL);
	fuzz_leaks_ok(1);	/* check_pin's copy when it is wrong */
	check_pin(&o);
	fuzz_leaks_ok(0);
	fuzz_assert(o.pin == NULL || xt_tls_pin_valid(o.pin) == 0);
	check_sasl(&o);
	check_resource(&o);
	if (o.insecure && o.pin != NULL)
		conflict(&o.insecure, "insecure", &o.pin, "pin", NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *buf;
	volatile unsigned mode = 0;
	size_t i;

	setenv("HOME", "/home/fuzz", 1);
	xt_quiet = 1;
	for (i = 0; i < size; i++)
		mode += data[i];
	free(buf);
	buf = fuzz_strdup(data, size);
	/* fmemopen() refuses a size of 0; one NUL reads as an empty file. */
	if ((p.f = fmemopen(buf, size ? size : 1, "r")) == NULL)
		abort();
	fuzz_arm();
	if (setjmp(fuzz_jmp) != 0) {
		fuzz_leaks_ok(0);
		/* Or the preset --jid's, as on the command line. */
		if (fuzz_code == XT_USAGE &&
		    strncmp(fuzz_msg, "invalid --jid ", 14) == 0) {
			cleanup();
			return 0;
		}
		/* Everything else is the config file's fault. */
		if (fuzz_code != XT_CONFIG)
			fprintf(stderr, "exit %d: %s\n", fuzz_code, fuzz_msg);
		fuzz_assert(fuzz_code == XT_CONFIG);
		cleanup();
		return 0;
	}
	load(mode % 4);
	fuzz_disarm();
	cleanup();
	return 0;
}
