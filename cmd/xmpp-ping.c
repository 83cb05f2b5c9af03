/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xmpp-ping: XEP-0199 round trips, login timing and a monitoring check. */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "xt.h"

static struct {
	char *count, *interval, *wait, *warning, *critical, *cert_days;
	int strict, timing, check, no_login;
} opt;

static struct poptOption table[] = {
	{ "count", 'c', POPT_ARG_STRING, &opt.count, 0,
	    "pings per target (default 1)", "N" },
	{ "interval", 'i', POPT_ARG_STRING, &opt.interval, 0,
	    "seconds between rounds (default 1)", "S" },
	{ "wait", 'W', POPT_ARG_STRING, &opt.wait, 0,
	    "seconds to wait for each reply (default 5)", "S" },
	{ "strict", '\0', POPT_ARG_NONE, &opt.strict, 0,
	    "count an error reply as no answer", NULL },
	{ "timing", '\0', POPT_ARG_NONE, &opt.timing, 0,
	    "show how long each phase of the connection took", NULL },
	{ "check", '\0', POPT_ARG_NONE, &opt.check, 0,
	    "monitoring-plugin output and exit status (0/1/2/3)", NULL },
	{ "warning", '\0', POPT_ARG_STRING, &opt.warning, 0,
	    "--check: WARNING when a round trip exceeds MS", "MS" },
	{ "critical", '\0', POPT_ARG_STRING, &opt.critical, 0,
	    "--check: CRITICAL when a round trip exceeds MS", "MS" },
	{ "cert-days", '\0', POPT_ARG_STRING, &opt.cert_days, 0,
	    "WARNING when the server certificate expires within N days",
	    "N" },
	{ "no-login", '\0', POPT_ARG_NONE, &opt.no_login, 0,
	    "check TLS and stream features without logging in", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, xt_conn_table, 0,
	    "Connection options:", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

/* Checked option values. */
static struct {
	long count;
	double interval, wait, warning, critical;
	long cert_days;
	int human;		/* no -o: ping(8)-like lines */
} cfg = { 1, 1, 5, -1, -1, -1, 1 };

struct target {
	const char *jid;
	long sent, received, errors;
	double min, max, sum, sumsq;
	char awaiting[48];	/* id of the ping in flight */
	double t_sent;
	int answered;		/* current ping got its reply */
	char cond[64];		/* the last error reply's condition */
};

static double t_start, first_pong = -1;

/* Monitoring-plugin states (not our exit codes). */
enum { CHK_OK, CHK_WARNING, CHK_CRITICAL, CHK_UNKNOWN };

static void __attribute__((noreturn))
check_exit(int state, const char *fmt, ...) __attribute__((format(printf, 2,
    3)));

static void
check_exit(int state, const char *fmt, ...)
{
	static const char *const name[] = { "OK", "WARNING", "CRITICAL",
	    "UNKNOWN" };
	va_list ap;

	printf("XMPP %s - ", name[state]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	xt_close_stdout();
	exit(state);
}

/* --check: every error the library reports becomes one plugin line. */
static void
check_die_hook(int code, const char *msg)
{
	check_exit(code == XT_USAGE || code == XT_CONFIG ||
	    code == XT_SOFTWARE ? CHK_UNKNOWN : CHK_CRITICAL, "%s", msg);
}

static void
parse_numbers(void)
{
	if (opt.count)
		cfg.count = xt_parse_whole("--count", opt.count, 1, 1e6);
	if (opt.interval)
		cfg.interval = xt_parse_number("--interval", opt.interval,
		    0.01, 86400);
	if (opt.wait)
		cfg.wait = xt_parse_number("--wait", opt.wait, 0.01, 86400);
	if (opt.warning)
		cfg.warning = xt_parse_number("--warning", opt.warning, 0,
		    1e9);
	if (opt.critical)
		cfg.critical = xt_parse_number("--critical", opt.critical, 0,
		    1e9);
	if (opt.cert_days)
		cfg.cert_days = xt_parse_whole("--cert-days", opt.cert_days, 0, 100000);
	if (cfg.warning >= 0 && cfg.critical >= 0 &&
	    cfg.warning > cfg.critical)
		xt_die(XT_USAGE, "--warning %g is above --critical %g",
		    cfg.warning, cfg.critical);
	if ((opt.warning || opt.critical) && !opt.check)
		xt_die(XT_USAGE, "--warning and --critical need --check");
}

static void
send_ping(struct xt_session *s, struct target *t, xt_iq_cb cb)
{
	xmpp_stanza_t *iq = xt_ping_new(xt_session_ctx(s), xt_session_id(s),
	    t->jid);

	snprintf(t->awaiting, sizeof(t->awaiting), "%s",
	    xmpp_stanza_get_id(iq));
	t->answered = 0;
	t->sent++;
	t->t_sent = xt_now();
	xt_iq_send(s, iq, cb, t);
	xmpp_stanza_release(iq);
}

static void
print_reply(struct target *t, const char *result, double ms,
    const char *cond, xmpp_stanza_t *st)
{
	json_t *o;

	if (opt.check)
		return;
	if (cfg.human) {
		if (strcmp(result, "pong") == 0)
			printf("pong from %s: seq=%ld time=%.3f ms\n", t->jid,
			    t->sent, ms);
		else if (strcmp(result, "error") == 0)
			printf("error from %s: seq=%ld time=%.3f ms: %s%s\n",
			    t->jid, t->sent, ms, cond, opt.strict ? "" :
			    " (reachable)");
		else
			printf("no answer from %s: seq=%ld within %g s\n",
			    t->jid, t->sent, cfg.wait);
	} else if (xt_opt.format == XT_FMT_JSON) {
		o = json_pack("{s:s, s:I, s:s}", "target", t->jid, "seq",
		    (json_int_t)t->sent, "result", result);
		if (ms >= 0)
			json_object_set_new(o, "rtt_ms", json_real(ms));
		if (cond)
			json_object_set_new(o, "condition", json_string(cond));
		xt_write_json(stdout, o);
	} else if (xt_opt.format == XT_FMT_TEXT) {
		printf("reply\t%s\t%ld\t%s\t", t->jid, t->sent, result);
		if (ms >= 0)
			printf("%.3f", ms);
		printf("\t%s\n", cond ? cond : "");
	} else if (st != NULL) {
		xt_write_stanza(stdout, XT_FMT_XML, st);
	}
	fflush(stdout);
}

static void
reply_cb(struct xt_session *s, xmpp_stanza_t *st, void *arg)
{
	struct target *t = arg;
	const char *type = xmpp_stanza_get_type(st);
	const char *cond = NULL;
	double ms = (xt_now() - t->t_sent) * 1e3;

	(void)s;
	/* A reply that comes after we gave up on it is not counted. */
	if (strcmp(xmpp_stanza_get_id(st), t->awaiting) != 0)
		return;
	t->answered = 1;
	if (first_pong < 0)
		first_pong = ms;
	if (type != NULL && strcmp(type, "error") == 0) {
		cond = xt_error_condition(st);
		snprintf(t->cond, sizeof(t->cond), "%s", cond);
		t->errors++;
		if (opt.strict) {
			print_reply(t, "error", ms, cond, st);
			return;
		}
	}
	t->received++;
	t->sum += ms;
	t->sumsq += ms * ms;
	if (t->received == 1 || ms < t->min)
		t->min = ms;
	if (ms > t->max)
		t->max = ms;
	print_reply(t, cond ? "error" : "pong", ms, cond, st);
}

static int
answered(void *arg)
{
	return ((struct target *)arg)->answered;
}

static int time_up(void *arg);

/* The reply, or --wait has passed. */
static int
answered_or_late(void *arg)
{
	return answered(arg) || time_up(NULL);
}

static double until;
static double run_deadline;	/* -w given: the rounds end here */

static void
wait_until(double t)
{
	until = run_deadline > 0 && run_deadline < t ? run_deadline : t;
}

static int
past_deadline(void)
{
	return run_deadline > 0 && xt_now() >= run_deadline;
}

/* The wait is over, or SIGINT/SIGTERM ends the rounds (ping(8): the
 * statistics of what answered until then). */
static int
time_up(void *arg)
{
	(void)arg;
	return xt_now() >= until || xt_signalled;
}

/* One ping, waiting at most --wait. Returns 0 or a session failure. */
static int
ping_one(struct xt_session *s, struct target *t)
{
	int status;

	send_ping(s, t, reply_cb);
	wait_until(xt_now() + cfg.wait);
	status = xt_session_run(s, answered_or_late, t);
	if (status != 0)
		return status;
	if (!t->answered && xt_signalled) {
		/* Interrupted: neither answered nor lost. */
		t->awaiting[0] = '\0';
		t->sent--;
		return 0;
	}
	if (!t->answered) {
		t->awaiting[0] = '\0';
		print_reply(t, "timeout", -1, NULL, NULL);
	}
	return 0;
}

static void
summary(struct target *t)
{
	double avg = t->received ? t->sum / t->received : 0;
	double mdev = t->received ? sqrt(fmax(0, t->sumsq / t->received -
	    avg * avg)) : 0;
	long loss = t->sent ? (t->sent - t->received) * 100 / t->sent : 0;
	json_t *o;

	if (opt.check)
		return;
	if (cfg.human) {
		printf("\n--- %s ping statistics ---\n%ld sent, %ld received, "
		    "%ld%% loss\n", t->jid, t->sent, t->received, loss);
		if (t->received)
			printf("rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f "
			    "ms\n", t->min, avg, t->max, mdev);
	} else if (xt_opt.format == XT_FMT_JSON) {
		o = json_pack("{s:s, s:I, s:I, s:I}", "target", t->jid,
		    "sent", (json_int_t)t->sent, "received",
		    (json_int_t)t->received, "loss_pct", (json_int_t)loss);
		if (t->received) {
			json_object_set_new(o, "rtt_min_ms", json_real(t->min));
			json_object_set_new(o, "rtt_avg_ms", json_real(avg));
			json_object_set_new(o, "rtt_max_ms", json_real(t->max));
			json_object_set_new(o, "rtt_mdev_ms", json_real(mdev));
		}
		xt_write_json(stdout, o);
	} else if (xt_opt.format == XT_FMT_TEXT) {
		printf("summary\t%s\t%ld\t%ld\t%ld", t->jid, t->sent,
		    t->received, loss);
		if (t->received)
			printf("\t%.3f\t%.3f\t%.3f\t%.3f", t->min, avg, t->max,
			    mdev);
		printf("\n");
	}
}

static void
print_timing(struct xt_session *s)
{
	static const char *const name[] = { "dns", "tcp", "tls", "sasl",
	    "bind" };
	const char *mech = xt_session_mechanism(s);
	json_t *o;
	int p;

	if (!opt.timing || opt.check)
		return;
	if (cfg.human || xt_opt.format == XT_FMT_XML) {
		for (p = 0; p < XT_PH_NPHASES; p++)
			if (xt_session_phase_ms(s, p) >= 0)
				fprintf(stderr, "%s %.1f ms%s%s%s\n", name[p],
				    xt_session_phase_ms(s, p),
				    p == XT_PH_SASL && mech ? " (" : "",
				    p == XT_PH_SASL && mech ? mech : "",
				    p == XT_PH_SASL && mech ? ")" : "");
		if (first_pong >= 0)
			fprintf(stderr, "first pong %.1f ms\n", first_pong);
	} else if (xt_opt.format == XT_FMT_JSON) {
		o = json_object();
		for (p = 0; p < XT_PH_NPHASES; p++)
			if (xt_session_phase_ms(s, p) >= 0) {
				char key[16];

				snprintf(key, sizeof(key), "%s_ms", name[p]);
				json_object_set_new(o, key,
				    json_real(xt_session_phase_ms(s, p)));
			}
		if (mech)
			json_object_set_new(o, "mechanism", json_string(mech));
		if (first_pong >= 0)
			json_object_set_new(o, "first_pong_ms",
			    json_real(first_pong));
		xt_write_json(stdout, json_pack("{s:o}", "timing", o));
	} else {
		for (p = 0; p < XT_PH_NPHASES; p++)
			if (xt_session_phase_ms(s, p) >= 0)
				printf("timing\t%s\t%.3f\n", name[p],
				    xt_session_phase_ms(s, p));
		if (first_pong >= 0)
			printf("timing\tfirst pong\t%.3f\n", first_pong);
	}
}

/* Days until the server certificate expires (negative: expired). */
static long
cert_days_left(struct xt_session *s, long long *expiry)
{
	*expiry = xt_tls_cert_expiry(xt_session_cert(s));
	if (*expiry < 0)
		return LONG_MIN;
	return (long)floor((*expiry - (double)time(NULL)) / 86400);
}

static const char *
cert_field(struct xt_session *s, xmpp_cert_element_t e)
{
	xmpp_tlscert_t *c = xt_session_cert(s);
	const char *v = c ? xmpp_tlscert_get_string(c, e) : NULL;

	return v ? v : "";
}

/* --no-login: what a client sees before it authenticates. */
static int
report_probe(struct xt_session *s)
{
	char when[64] = "", iso[32] = "";
	long long expiry;
	long days = cert_days_left(s, &expiry);
	const char *mechs = xt_session_mechanisms(s);
	const char *tls = xt_opt.tls_mode == XT_TLS_NONE ? "none" :
	    xt_session_direct_tls(s) ? "direct" : "starttls";
	int req = xt_session_starttls_required(s);
	time_t t = (time_t)expiry;
	json_t *o, *list;
	char *m, *save = NULL, *copy;
	const char *sep;

	print_timing(s);
	if (expiry >= 0) {
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC",
		    gmtime(&t));
		strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	}
	if (opt.check) {
		if (expiry >= 0 && days < 0)
			check_exit(CHK_CRITICAL, "certificate of %s expired "
			    "on %s", xt_session_domain(s), when);
		if (expiry >= 0 && cfg.cert_days >= 0 && days < cfg.cert_days)
			check_exit(CHK_WARNING, "certificate of %s expires in "
			    "%ld days | time=%.6fs;;;0", xt_session_domain(s),
			    days, xt_now() - t_start);
		check_exit(CHK_OK, "%s: TLS ok (%s), certificate valid for "
		    "%ld days, SASL %s | time=%.6fs;;;0", xt_session_domain(s),
		    tls, days, mechs ? mechs : "none", xt_now() - t_start);
	}
	if (xt_opt.format == XT_FMT_JSON) {
		list = json_array();
		copy = strdup(mechs ? mechs : "");
		for (m = strtok_r(copy, " ", &save); m;
		    m = strtok_r(NULL, " ", &save))
			json_array_append_new(list, json_string(m));
		free(copy);
		o = json_pack("{s:s, s:s, s:s, s:b}", "server",
		    xt_session_domain(s), "address", xt_session_address(s),
		    "tls", tls, "starttls_required", req == 1);
		if (xt_session_cert(s) != NULL) {
			json_object_set_new(o, "cert_subject",
			    json_string(cert_field(s, XMPP_CERT_SUBJECT)));
			json_object_set_new(o, "cert_issuer",
			    json_string(cert_field(s, XMPP_CERT_ISSUER)));
			json_object_set_new(o, "cert_not_after",
			    json_string(iso));
			json_object_set_new(o, "cert_days_left",
			    json_integer(days));
			json_object_set_new(o, "cert_sha256", json_string(
			    cert_field(s, XMPP_CERT_FINGERPRINT_SHA256)));
		}
		json_object_set_new(o, "sasl_mechanisms", list);
		xt_write_json(stdout, o);
		return 0;
	}
	/* Default "key: value" lines; -o text: "key<TAB>value". */
	sep = cfg.human ? ": " : "\t";
	printf("server%s%s at %s\n", sep, xt_session_domain(s),
	    xt_session_address(s));
	printf("tls%s%s%s\n", sep, tls, req == 1 ? " (required)" : "");
	if (xt_session_cert(s) != NULL) {
		printf("certificate subject%s%s\n", sep,
		    cert_field(s, XMPP_CERT_SUBJECT));
		printf("certificate issuer%s%s\n", sep,
		    cert_field(s, XMPP_CERT_ISSUER));
		printf("certificate expires%s%s (%ld days)\n", sep, when,
		    days);
		printf("certificate sha256%s%s\n", sep,
		    cert_field(s, XMPP_CERT_FINGERPRINT_SHA256));
	}
	printf("sasl mechanisms%s%s\n", sep, mechs ? mechs : "");
	if (expiry >= 0 && cfg.cert_days >= 0 && days < cfg.cert_days) {
		xt_error("certificate of '%s' expires in %ld days",
		    xt_session_domain(s), days);
		return XT_NEGATIVE;
	}
	return 0;
}

/* --check after the pings: the worst state wins. */
static void
report_check(struct xt_session *s, struct target *t, int n)
{
	double worst = 0, secs = xt_now() - t_start;
	long long expiry;
	long days = cert_days_left(s, &expiry);
	char perf[512], thr[64] = "";
	int i, state = CHK_OK;
	char why[256] = "";

	for (i = 0; i < n; i++) {
		if (t[i].received < t[i].sent && t[i].errors > 0 &&
		    opt.strict)
			check_exit(CHK_CRITICAL, "error reply from %s: %s | "
			    "time=%.6fs;;;0", t[i].jid, t[i].cond, secs);
		if (t[i].received < t[i].sent)
			check_exit(CHK_CRITICAL, "no answer from %s within "
			    "%g s | time=%.6fs;;;0", t[i].jid, cfg.wait,
			    secs);
		if (t[i].max > worst)
			worst = t[i].max;
	}
	/* Monitoring-plugins perfdata: an absent threshold is empty. */
	if (cfg.warning >= 0 || cfg.critical >= 0) {
		char w[32] = "", c[32] = "";

		if (cfg.warning >= 0)
			snprintf(w, sizeof(w), "%.6f", cfg.warning / 1e3);
		if (cfg.critical >= 0)
			snprintf(c, sizeof(c), "%.6f", cfg.critical / 1e3);
		snprintf(thr, sizeof(thr), ";%s;%s;0", w, c);
	}
	snprintf(perf, sizeof(perf), "time=%.6fs;;;0 dns=%.6fs connect=%.6fs "
	    "tls=%.6fs auth=%.6fs rtt=%.6fs%s", secs,
	    fmax(0, xt_session_phase_ms(s, XT_PH_DNS)) / 1e3,
	    fmax(0, xt_session_phase_ms(s, XT_PH_TCP)) / 1e3,
	    fmax(0, xt_session_phase_ms(s, XT_PH_TLS)) / 1e3,
	    fmax(0, xt_session_phase_ms(s, XT_PH_SASL)) / 1e3, worst / 1e3,
	    thr);
	if (cfg.critical >= 0 && worst > cfg.critical) {
		state = CHK_CRITICAL;
		snprintf(why, sizeof(why), " (over %g ms)", cfg.critical);
	} else if (cfg.warning >= 0 && worst > cfg.warning) {
		state = CHK_WARNING;
		snprintf(why, sizeof(why), " (over %g ms)", cfg.warning);
	}
	if (expiry >= 0 && days < 0)
		check_exit(CHK_CRITICAL, "certificate of %s has expired | %s",
		    xt_session_domain(s), perf);
	if (state == CHK_OK && expiry >= 0 && cfg.cert_days >= 0 &&
	    days < cfg.cert_days)
		check_exit(CHK_WARNING, "certificate of %s expires in %ld days "
		    "| %s", xt_session_domain(s), days, perf);
	check_exit(state, "%s answered in %.1f ms%s | %s", n == 1 ? t[0].jid :
	    "all targets", worst, why, perf);
}

static int
run_pings(struct xt_session *s, struct target *t, int n)
{
	long round;
	int i, status = 0, some = 0, all = 1;

	if (cfg.human && !opt.check)
		printf("PING %s as %s\n", n == 1 ? t[0].jid : "targets",
		    xt_session_jid(s));
	for (round = 0; round < cfg.count && !past_deadline() &&
	    !xt_signalled && status == 0; round++) {
		if (round > 0) {
			wait_until(xt_now() + cfg.interval);
			if ((status = xt_session_run(s, time_up, NULL)) != 0 ||
			    xt_signalled)
				break;
		}
		/* Like ping(8) -w: the deadline ends the rounds, and the
		 * statistics say what answered until then. */
		for (i = 0; i < n && !past_deadline() && !xt_signalled &&
		    status == 0; i++)
			status = ping_one(s, &t[i]);
	}
	/* A lost connection ends the rounds too; like ping(8), the
	 * statistics still say what answered before it. */
	if (status != 0) {
		if (!opt.check)
			for (i = 0; i < n; i++)
				if (t[i].sent > 0)
					summary(&t[i]);
		return status;
	}
	print_timing(s);
	for (i = 0; i < n; i++) {
		summary(&t[i]);
		/* Under --strict an error reply is no answer, but it is not
		 * silence either: 1, not 75. */
		some |= t[i].received > 0 || t[i].errors > 0;
		all &= t[i].received > 0;
	}
	if (opt.check)
		report_check(s, t, n);
	return all ? XT_OK : some ? XT_NEGATIVE : XT_TEMPFAIL;
}

static int
run(struct xt_session *s, const char **args)
{
	struct target *t;
	int n, i, status;

	for (n = 0; args != NULL && args[n] != NULL; n++)
		;
	if ((t = calloc(n ? n : 1, sizeof(*t))) == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	for (i = 0; i < n; i++)
		t[i].jid = args[i];
	if (n == 0) {
		t[0].jid = xt_session_domain(s);
		n = 1;
	}
	status = run_pings(s, t, n);
	free(t);
	return status;
}

static void
check_targets(const char **args)
{
	const char *why;
	int i;

	for (i = 0; args != NULL && args[i] != NULL; i++) {
		if (!xt_jid_valid(args[i], &why))
			xt_die(XT_USAGE, "invalid target '%s': %s", args[i],
			    why);
		/* In place: argv's strings are writable. */
		xt_jid_strip_dot((char *)args[i]);
	}
}

/* Without an explicit --timeout the pings themselves must fit. */
static void
default_deadline(struct xt_session *s)
{
	if (xt_opt.timeout == NULL) {
		xt_session_set_deadline(s, xt_opt.timeout_s + cfg.count *
		    (cfg.interval + cfg.wait));
	} else {
		run_deadline = t_start + xt_opt.timeout_s;
		xt_session_set_deadline(s, 0);
	}
}

int
main(int argc, const char **argv)
{
	struct xt_session *s;
	poptContext pc;
	const char **args;
	int i, status;

	xt_init(argv[0]);
	t_start = xt_now();
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--check") == 0)
			xt_die_hook = check_die_hook;
	pc = xt_parse_args(argc, argv, table, "[TARGET...]");
	parse_numbers();
	cfg.human = xt_opt.output == NULL;
	args = poptGetArgs(pc);
	check_targets(args);
	if (opt.no_login) {
		if (args != NULL && args[0] != NULL && args[1] != NULL)
			xt_die(XT_USAGE, "--no-login checks one server");
		if ((args == NULL || args[0] == NULL) && xt_opt.jid == NULL &&
		    getenv("XMPP_JID") == NULL)
			xt_die(XT_USAGE, "--no-login needs the server to check");
		/* No account: the JID is the server itself. */
		if (args != NULL && args[0] != NULL) {
			free(xt_opt.jid);
			xt_opt.jid = strdup(args[0]);
		}
	}
	xt_opts_finish(XT_FMT_TEXT);
	if (cfg.human && xt_opt.output != NULL)
		cfg.human = 0;
	if (opt.no_login && !cfg.human && xt_opt.format == XT_FMT_XML)
		xt_die(XT_USAGE, "--no-login has no stanzas to show: use -o "
		    "text or -o json");
	/* The results go to stdout: no connection without it. */
	xt_need_stdout();
	if (!opt.no_login)
		xt_account_password(&xt_opt);
	s = xt_session_new();
	if (opt.no_login)
		xt_session_set_probe(s);
	status = xt_session_connect(s);
	xt_account_forget(&xt_opt);
	/* Online, SIGINT/SIGTERM end the rounds with the statistics; a
	 * --check stopped from outside just ends. */
	if (status == 0 && !opt.check && !opt.no_login)
		xt_catch_stop_signals();
	if (status == 0) {
		default_deadline(s);
		status = opt.no_login ? report_probe(s) : run(s, args);
	}
	if (status != 0 && xt_session_error(s) != NULL) {
		if (opt.check)
			check_exit(CHK_CRITICAL, "%s", xt_session_error(s));
		xt_error("%s", xt_session_error(s));
	}
	xt_session_close(s);
	xt_session_free(s);
	poptFreeContext(pc);
	xt_close_stdout();
	return status;
}
