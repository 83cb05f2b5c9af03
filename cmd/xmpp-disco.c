/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xmpp-disco: what a server and its services offer (XEP-0030 and friends),
 * for people at a terminal and for deploy checks. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "xt.h"

#define NS_VERSION "jabber:iq:version"
#define NS_TIME "urn:xmpp:time"
#define NS_LAST "jabber:iq:last"
#define NS_ROSTER "jabber:iq:roster"
#define NS_PRIVATE "jabber:iq:private"
#define NS_COMMANDS "http://jabber.org/protocol/commands"
#define NS_SERVERINFO "http://jabber.org/network/serverinfo"
/* Items asked per page, where the entity pages them (XEP-0059): ejabberd
 * 23.01 gives at most 100 and, asked for more, pages out of order. */
#define PAGE 100

static struct {
	int info, items, tree, software, time, uptime, contact, commands;
	int compliance, advanced;
	char *depth, *parallel, *max_requests, *wait, *suite;
	const char **has_feature;
} opt;

static struct poptOption table[] = {
	{ "info", '\0', POPT_ARG_NONE, &opt.info, 0,
	    "only the identities, features and forms (disco#info)", NULL },
	{ "items", '\0', POPT_ARG_NONE, &opt.items, 0,
	    "only the items (disco#items)", NULL },
	{ "tree", 't', POPT_ARG_NONE, &opt.tree, 0,
	    "walk the items recursively", NULL },
	{ "depth", 'd', POPT_ARG_STRING, &opt.depth, 0,
	    "--tree: levels below the target (default 2)", "N" },
	{ "parallel", 'P', POPT_ARG_STRING, &opt.parallel, 0,
	    "requests in flight at once at most (default 8)", "N" },
	{ "max-requests", '\0', POPT_ARG_STRING, &opt.max_requests, 0,
	    "requests in all at most (default 1000)", "N" },
	{ "wait", 'W', POPT_ARG_STRING, &opt.wait, 0,
	    "seconds to wait for each reply (default 5)", "S" },
	{ "has-feature", 'f', POPT_ARG_ARGV, &opt.has_feature, 0,
	    "exit 0 if the target advertises NS, 1 if not (repeatable)",
	    "NS" },
	{ "software", '\0', POPT_ARG_NONE, &opt.software, 0,
	    "the software and version the target runs (XEP-0092)", NULL },
	{ "time", '\0', POPT_ARG_NONE, &opt.time, 0,
	    "the target's clock and its offset from ours (XEP-0202)", NULL },
	{ "uptime", '\0', POPT_ARG_NONE, &opt.uptime, 0,
	    "how long the server has been running (XEP-0012)", NULL },
	{ "contact", '\0', POPT_ARG_NONE, &opt.contact, 0,
	    "the server's contact addresses (XEP-0157)", NULL },
	{ "commands", '\0', POPT_ARG_NONE, &opt.commands, 0,
	    "the ad-hoc commands the target lists (XEP-0050)", NULL },
	{ "compliance", '\0', POPT_ARG_NONE, &opt.compliance, 0,
	    "check the server against the XMPP Compliance Suites 2023 "
	    "(XEP-0479)", NULL },
	{ "suite", '\0', POPT_ARG_STRING, &opt.suite, 0,
	    "--compliance: the suites to check (default all)",
	    "core,web,im,mobile,av" },
	{ "advanced", '\0', POPT_ARG_NONE, &opt.advanced, 0,
	    "--compliance: the Advanced Server level", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, xt_conn_table, 0,
	    "Connection options:", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

static struct {
	long depth, parallel, max_requests;
	double wait;
	const char *target;	/* NULL until online: the server */
	const char *node;
} cfg = { 2, 8, 1000, 5, NULL, NULL };

static struct xt_session *S;
static struct xt_iq_pool *pool;
static int failures;		/* error replies and silences */

/* ---- output helpers ---- */

/* One -o text record: tab-separated fields, escaped as -o text is. */
#define REC(...) do { \
	const char *const f_[] = { __VA_ARGS__ }; \
	xt_write_record(stdout, f_, sizeof(f_) / sizeof(f_[0])); \
} while (0)

static void
set_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, key, json_string(v));
}

static const char *
who(const char *jid)
{
	return jid ? jid : xt_session_domain(S);
}

/* "item-not-found" or "item-not-found (text)"; static. */
static const char *
describe_error(xmpp_stanza_t *reply)
{
	static char buf[1200];
	const char *cond, *text;

	if (reply == NULL) {
		snprintf(buf, sizeof(buf), "no answer within %g s", cfg.wait);
		return buf;
	}
	cond = xt_error_condition(reply);
	text = xt_error_text(reply);
	snprintf(buf, sizeof(buf), "%s%s%s%s", cond ? cond :
	    "not a disco reply", text ? " (" : "", text ? text : "",
	    text ? ")" : "");
	return buf;
}

/* The condition alone, as in the json and tree outputs. */
static const char *
condition(xmpp_stanza_t *reply)
{
	const char *c;

	if (reply == NULL)
		return "timeout";
	c = xt_error_condition(reply);
	return c ? c : "bad-reply";
}

/* ---- one request at a time (the single-target modes) ---- */

struct one {
	xmpp_stanza_t *reply;
	int answered;
};

static void
one_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	struct one *o = arg;

	(void)s;
	o->answered = reply != NULL;
	o->reply = reply ? xmpp_stanza_clone(reply) : NULL;
}

/* Send iq (consumed) and wait --wait for its reply: 0 with the reply in
 * *reply (caller releases), 1 when none came (said), or the session's
 * code. what names the request in messages. */
static int
request(xmpp_stanza_t *iq, const char *what, xmpp_stanza_t **reply)
{
	struct xt_iq_pool *p = xt_iq_pool_new(S, 1, 0, cfg.wait);
	struct one o = { NULL, 0 };
	int status;

	*reply = NULL;
	xt_iq_pool_add(p, iq, one_cb, &o);
	status = xt_iq_pool_run(p);
	xt_iq_pool_free(p);
	if (status != 0) {
		if (o.reply)
			xmpp_stanza_release(o.reply);
		return status;
	}
	if (!o.answered) {
		/* As xmpp-ping: no answer within --wait is a negative one;
		 * 75 is for -w. */
		xt_error("'%s' did not answer %s within %g s", who(cfg.target),
		    what, cfg.wait);
		return XT_NEGATIVE;
	}
	*reply = o.reply;
	/* --has-feature answers with its exit status alone. */
	if (xt_opt.format == XT_FMT_XML && !opt.has_feature)
		xt_write_stanza(stdout, XT_FMT_XML, *reply);
	return 0;
}

static xmpp_stanza_t *
query_iq(const char *type, const char *to, const char *ns, const char *node)
{
	xmpp_stanza_t *iq = xmpp_iq_new(xt_session_ctx(S), type,
	    xt_session_id(S)), *q;

	if (to != NULL)
		xmpp_stanza_set_to(iq, to);
	q = xt_stanza_add(iq, "query", ns, NULL);
	if (node != NULL)
		xmpp_stanza_set_attribute(q, "node", node);
	return iq;
}

static int
is_result(xmpp_stanza_t *reply)
{
	const char *t = reply ? xmpp_stanza_get_type(reply) : NULL;

	return t != NULL && strcmp(t, "result") == 0;
}

/* An error reply to a single-target request: said, and exit 1. */
static int
refused(const char *what, xmpp_stanza_t *reply)
{
	xt_error("'%s' answered %s with an error: %s", who(cfg.target), what,
	    describe_error(reply));
	failures++;
	return XT_NEGATIVE;
}

/* ---- info and items of one entity ---- */

static void
text_info(const struct xt_disco_info *d)
{
	const struct xt_form *f;
	size_t i, j, k;

	for (i = 0; i < d->nids; i++)
		REC("identity", d->ids[i].category, d->ids[i].type,
		    d->ids[i].name ? d->ids[i].name : "");
	for (i = 0; i < d->nfeatures; i++)
		REC("feature", d->features[i]);
	for (i = 0; i < d->nforms; i++) {
		f = d->forms[i];
		for (j = 0; j < f->nfields; j++) {
			if (f->fields[j].nvalues == 0)
				REC("field", f->fields[j].var, "");
			for (k = 0; k < f->fields[j].nvalues; k++)
				REC("field", f->fields[j].var,
				    f->fields[j].values[k]);
		}
	}
}

static json_t *
json_identities(const struct xt_disco_info *d)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; i < d->nids; i++) {
		o = json_object();
		set_str(o, "category", d->ids[i].category);
		set_str(o, "type", d->ids[i].type);
		set_str(o, "name", d->ids[i].name);
		set_str(o, "lang", d->ids[i].lang);
		json_array_append_new(a, o);
	}
	return a;
}

static void
json_add_info(json_t *o, const struct xt_disco_info *d)
{
	json_t *a = json_array();
	size_t i;

	json_object_set_new(o, "identities", json_identities(d));
	for (i = 0; i < d->nfeatures; i++)
		json_array_append_new(a, json_string(d->features[i]));
	json_object_set_new(o, "features", a);
	a = json_array();
	for (i = 0; i < d->nforms; i++)
		json_array_append_new(a, xt_form_json(d->forms[i]));
	json_object_set_new(o, "forms", a);
}

static json_t *
json_items(const struct xt_disco_items *d)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; i < d->n; i++) {
		o = json_object();
		set_str(o, "jid", d->items[i].jid);
		set_str(o, "node", d->items[i].node);
		set_str(o, "name", d->items[i].name);
		json_array_append_new(a, o);
	}
	return a;
}

static void
text_items(const struct xt_disco_items *d, const char *kind)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		REC(kind, d->items[i].jid, d->items[i].node ?
		    d->items[i].node : "", d->items[i].name ?
		    d->items[i].name : "");
}

/* ---- Graphviz ---- */

static void
dot_string(const char *s)
{
	putchar('"');
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		/* Graphviz reads entities such as &amp; in any label. */
		if (*s == '&')
			fputs("&amp;", stdout);
		else if (*s == '\n')
			fputs("\\n", stdout);
		else if ((unsigned char)*s >= 0x20)
			putchar(*s);
	}
	putchar('"');
}

/* ---- the tree ---- */

struct node {
	char *jid, *node, *name;	/* as the parent listed it */
	long depth;
	struct xt_disco_info *info;
	char *info_err;		/* condition, NULL if none */
	int items_asked;
	struct xt_disco_items *items;
	char *items_err;
	char *after;		/* the last page asked came after this id */
	struct node **kids;
	size_t nkids;
	int repeat;		/* shown elsewhere in the tree: not walked */
	int unasked;		/* --max-requests reached first */
	unsigned long id;	/* for dot */
};

static struct node *root;
static unsigned long nodes_made;
static long unasked;

/* (jid, node) pairs met, so that a cycle or a repeat is walked once. */
static struct xt_strset *seen;

/* 1 if (jid, node) was met before; remembers it either way. */
static int
seen_before(const char *jid, const char *node)
{
	size_t len = strlen(jid) + (node ? strlen(node) : 0) + 2;
	char *key = malloc(len);
	int added;

	if (key == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	/* \001 is in no JID. */
	snprintf(key, len, "%s\001%s", jid, node ? node : "");
	if (seen == NULL)
		seen = xt_strset_new();
	added = xt_strset_add(seen, key);
	free(key);
	return !added;
}

static struct node *
node_new(const char *jid, const char *node, const char *name, long depth)
{
	struct node *n = calloc(1, sizeof(*n));

	if (n == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	n->jid = xt_strdup(jid);
	n->node = xt_strdup(node);
	n->name = xt_strdup(name);
	n->depth = depth;
	n->id = nodes_made++;
	return n;
}

static void
node_free(struct node *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	xt_disco_info_free(n->info);
	xt_disco_items_free(n->items);
	free(n->jid);
	free(n->node);
	free(n->name);
	free(n->info_err);
	free(n->items_err);
	free(n->after);
	free(n);
}

static void ask_items(struct node *n);

/* In a walk a failure is a node of the tree, said at -v. */
static void
say_failure(const char *jid, const char *what, xmpp_stanza_t *reply)
{
	if (reply == NULL)
		xt_info(1, "'%s' did not answer %s within %g s", jid, what,
		    cfg.wait);
	else
		xt_info(1, "'%s' answered %s with an error: %s", jid, what,
		    describe_error(reply));
}

/* The message of a failed request of the target itself. */
static void
target_failed(const char *jid, const char *what, const char *cond)
{
	if (strcmp(cond, "timeout") == 0)
		xt_error("'%s' did not answer %s within %g s", jid, what,
		    cfg.wait);
	else
		xt_error("'%s' answered %s with an error: %s", jid, what,
		    cond);
}

/* A MUC room lists its occupants as items (XEP-0045 6.5): asking them
 * would reach people's clients, so a walk stops at rooms. */
static int
is_room(const struct node *n)
{
	return strchr(n->jid, '@') != NULL && xt_disco_identity(n->info,
	    "conference", NULL) != NULL;
}

static void
walk_reply_xml(xmpp_stanza_t *reply)
{
	if (xt_opt.format == XT_FMT_XML && reply != NULL)
		xt_write_stanza(stdout, XT_FMT_XML, reply);
}

static void
info_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	struct node *n = arg;

	(void)s;
	if (reply == NULL && xt_iq_pool_unsent(pool)) {
		n->unasked = 1;
		unasked++;
		return;
	}
	walk_reply_xml(reply);
	if ((n->info = xt_disco_info_parse(reply)) == NULL) {
		n->info_err = xt_strdup(condition(reply));
		failures++;
		say_failure(n->jid, "disco#info", reply);
		return;
	}
	if (n != root && n->depth < cfg.depth && !is_room(n))
		ask_items(n);
}

static void
ask_info(struct node *n)
{
	if (xt_iq_pool_add(pool, xt_disco_new(xt_session_ctx(S), NULL,
	    n == root ? cfg.target : n->jid, n->node, 0), info_cb, n) != 0) {
		n->unasked = 1;
		unasked++;
	}
}

static void ask_page(struct node *n, const char *after);

/* Items come by pages where the entity pages them (XEP-0059): each page
 * is added to the node's items, and the next one asked, until the last. */
static void
items_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	struct node *n = arg, *k;
	struct xt_disco_items *page;
	size_t i, had;

	(void)s;
	if (reply == NULL && xt_iq_pool_unsent(pool)) {
		n->unasked = 1;
		unasked++;
		return;
	}
	walk_reply_xml(reply);
	if ((page = xt_disco_items_parse(reply)) == NULL) {
		n->items_err = xt_strdup(condition(reply));
		failures++;
		say_failure(n->jid, "disco#items", reply);
		return;
	}
	if (n->items == NULL) {
		n->items = page;
		had = 0;
	} else {
		had = n->items->n;
		for (i = 0; i < page->n; i++) {
			n->items->items = xt_grow(n->items->items,
			    n->items->n, sizeof(page->items[0]));
			n->items->items[n->items->n++] = page->items[i];
		}
		page->n = 0;
	}
	if (n->items->n > had) {
		n->kids = realloc(n->kids, n->items->n * sizeof(*n->kids));
		if (n->kids == NULL)
			xt_die(XT_SOFTWARE, "out of memory");
	}
	for (i = had; i < n->items->n; i++) {
		k = node_new(n->items->items[i].jid, n->items->items[i].node,
		    n->items->items[i].name, n->depth + 1);
		n->kids[n->nkids++] = k;
		if (!opt.tree)
			continue;
		if (seen_before(k->jid, k->node))
			k->repeat = 1;
		else
			ask_info(k);
	}
	/* A page that is not the last: a last id, items in it, and fewer
	 * than the count, when the entity says one. */
	if (page->last != NULL && n->items->n > had && (page->count < 0 ||
	    (long)n->items->n < page->count) && (n->after == NULL ||
	    strcmp(n->after, page->last) != 0))
		ask_page(n, page->last);
	if (page != n->items)
		xt_disco_items_free(page);
}

static void
ask_page(struct node *n, const char *after)
{
	/* The page asked after: a server that answers the same page again
	 * does not make the walk go round. */
	if (after != NULL) {
		free(n->after);
		n->after = xt_strdup(after);
	}
	/* Before the info of the items queued: the listing comes first,
	 * within --max-requests, and the details after. */
	if (xt_iq_pool_add_first(pool, xt_disco_items_page(xt_session_ctx(S),
	    n == root ? cfg.target : n->jid, n->node, PAGE, after), items_cb,
	    n) != 0) {
		n->unasked = 1;
		unasked++;
	}
}

static void
ask_items(struct node *n)
{
	n->items_asked = 1;
	ask_page(n, NULL);
}

static const char *
node_error(const struct node *n)
{
	if (n->repeat)
		return "repeat";
	if (n->info_err)
		return n->info_err;
	if (n->items_err)
		return n->items_err;
	if (n->unasked)
		return "not-asked";
	return "";
}

static void
identities_text(const struct node *n, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; n->info != NULL && i < n->info->nids && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s/%s", i ? "," :
		    "", n->info->ids[i].category ? n->info->ids[i].category :
		    "", n->info->ids[i].type ? n->info->ids[i].type : "");
}

static const char *
node_name(const struct node *n)
{
	if (n->name != NULL)
		return n->name;
	size_t i;

	for (i = 0; n->info != NULL && i < n->info->nids; i++)
		if (n->info->ids[i].name != NULL)
			return n->info->ids[i].name;
	return "";
}

static void
tree_text(const struct node *n)
{
	char ids[512];
	size_t i;

	identities_text(n, ids, sizeof(ids));
	for (i = 0; i < (size_t)n->depth; i++)
		fputs("  ", stdout);
	REC(n->jid, n->node ? n->node : "", node_name(n), ids,
	    node_error(n));
	for (i = 0; i < n->nkids; i++)
		tree_text(n->kids[i]);
}

static json_t *
tree_json(const struct node *n)
{
	json_t *o = json_object(), *a;
	size_t i;

	set_str(o, "jid", n->jid);
	set_str(o, "node", n->node);
	set_str(o, "name", n->name);
	if (n->info != NULL)
		json_add_info(o, n->info);
	if (n->repeat)
		json_object_set_new(o, "repeat", json_true());
	else if (*node_error(n) != '\0')
		set_str(o, "error", node_error(n));
	if (n->items != NULL) {
		a = json_array();
		for (i = 0; i < n->nkids; i++)
			json_array_append_new(a, tree_json(n->kids[i]));
		json_object_set_new(o, "items", a);
	}
	return o;
}

static void
tree_dot_nodes(const struct node *n)
{
	char label[2048], ids[512];
	size_t i;

	identities_text(n, ids, sizeof(ids));
	snprintf(label, sizeof(label), "%s%s%s%s%s%s%s%s%s", n->jid,
	    n->node ? "\n" : "", n->node ? n->node : "", *node_name(n) ? "\n" :
	    "", node_name(n), *ids ? "\n" : "", ids, *node_error(n) ? "\n" :
	    "", node_error(n));
	printf("  n%lu [label=", n->id);
	dot_string(label);
	if (n->repeat)
		printf(", style=dashed");
	else if (*node_error(n) != '\0')
		printf(", color=red, fontcolor=red");
	printf("];\n");
	for (i = 0; i < n->nkids; i++) {
		tree_dot_nodes(n->kids[i]);
		printf("  n%lu -> n%lu;\n", n->id, n->kids[i]->id);
	}
}

static void
tree_dot(const struct node *n)
{
	printf("digraph xmpp {\n  rankdir=LR;\n  node [shape=box, "
	    "fontname=\"sans-serif\"];\n");
	tree_dot_nodes(n);
	printf("}\n");
}

static void
print_walk(void)
{
	if (xt_opt.format == XT_FMT_TEXT)
		tree_text(root);
	else if (xt_opt.format == XT_FMT_JSON)
		xt_write_json(stdout, tree_json(root));
	else if (xt_opt.format == XT_FMT_DOT)
		tree_dot(root);
}

static int
said_unasked(void)
{
	xt_error("stopped at --max-requests %ld: %ld %s not sent",
	    cfg.max_requests, unasked, unasked == 1 ? "request" : "requests");
	return XT_NEGATIVE;
}

/* The target's info and items (depth 0 without --tree), or the tree. */
static int
walk(void)
{
	int status;
	double t0 = xt_now();

	pool = xt_iq_pool_new(S, (int)cfg.parallel, cfg.max_requests,
	    cfg.wait);
	root = node_new(who(cfg.target), cfg.node, NULL, 0);
	seen_before(root->jid, root->node);
	if (!opt.items)
		ask_info(root);
	if (!opt.info && (!opt.tree || cfg.depth > 0))
		ask_items(root);
	status = xt_iq_pool_run(pool);
	xt_info(1, "%ld requests, at most %d in flight, %ld unanswered, "
	    "%.1f ms", xt_iq_pool_sent(pool), xt_iq_pool_peak(pool),
	    xt_iq_pool_timeouts(pool), (xt_now() - t0) * 1e3);
	if (!opt.tree) {
		/* One entity: its info and items as records. */
		if (status == 0 && xt_opt.format == XT_FMT_TEXT) {
			if (root->info)
				text_info(root->info);
			if (root->items)
				text_items(root->items, "item");
		} else if (status == 0 && xt_opt.format == XT_FMT_JSON) {
			json_t *o = json_object();

			set_str(o, "jid", root->jid);
			set_str(o, "node", root->node);
			if (root->info)
				json_add_info(o, root->info);
			if (root->items)
				json_object_set_new(o, "items",
				    json_items(root->items));
			if (*node_error(root))
				set_str(o, "error", node_error(root));
			xt_write_json(stdout, o);
		} else if (status == 0 && xt_opt.format == XT_FMT_DOT) {
			tree_dot(root);
		}
		if (status == 0 && root->info_err)
			target_failed(root->jid, "disco#info", root->info_err);
		if (status == 0 && root->items_err)
			target_failed(root->jid, "disco#items",
			    root->items_err);
		if (status == 0 && (root->info_err || root->items_err))
			status = XT_NEGATIVE;
		else if (status == 0 && unasked > 0)
			status = said_unasked();
	} else {
		/* What was found is printed even when the run was cut
		 * short: it says where the walk got to. */
		print_walk();
		if (status == 0 && (root->info_err || root->items_err)) {
			if (root->info_err)
				target_failed(root->jid, "disco#info",
				    root->info_err);
			if (root->items_err)
				target_failed(root->jid, "disco#items",
				    root->items_err);
			status = XT_NEGATIVE;
		} else if (status == 0 && unasked > 0) {
			status = said_unasked();
		} else if (status == 0 && failures > 0) {
			xt_error("%d %s answered with an error or not at all "
			    "(marked in the tree)", failures, failures == 1 ?
			    "request was" : "requests were");
			status = XT_NEGATIVE;
		}
	}
	node_free(root);
	xt_iq_pool_free(pool);
	xt_strset_free(seen);
	seen = NULL;
	return status;
}

/* ---- --has-feature ---- */

static int
has_features(void)
{
	xmpp_stanza_t *reply;
	struct xt_disco_info *d;
	int status, i, missing = 0;

	status = request(xt_disco_new(xt_session_ctx(S), xt_session_id(S),
	    cfg.target, cfg.node, 0), "disco#info", &reply);
	if (status != 0)
		return status;
	if ((d = xt_disco_info_parse(reply)) == NULL) {
		status = refused("disco#info", reply);
		xmpp_stanza_release(reply);
		return status;
	}
	for (i = 0; opt.has_feature[i] != NULL; i++) {
		int has = xt_disco_has(d, opt.has_feature[i]);

		missing += !has;
		xt_info(1, "'%s' %s '%s'", who(cfg.target), has ?
		    "advertises" : "does not advertise", opt.has_feature[i]);
	}
	xt_disco_info_free(d);
	xmpp_stanza_release(reply);
	return missing ? XT_NEGATIVE : 0;
}

/* ---- --software, --time, --uptime, --contact, --commands ---- */

static int
software(void)
{
	xmpp_stanza_t *reply, *q;
	char *name, *version, *os;
	json_t *o;
	int status = request(query_iq("get", cfg.target, NS_VERSION, NULL),
	    "the software version request", &reply);

	if (status != 0)
		return status;
	if (!is_result(reply) || (q = xmpp_stanza_get_child_by_ns(reply,
	    NS_VERSION)) == NULL) {
		status = refused("the software version request", reply);
		xmpp_stanza_release(reply);
		return status;
	}
	name = xt_stanza_child_text(q, "name");
	version = xt_stanza_child_text(q, "version");
	os = xt_stanza_child_text(q, "os");
	if (xt_opt.format == XT_FMT_TEXT) {
		REC("software", who(cfg.target), name ? name : "", version ?
		    version : "", os ? os : "");
	} else if (xt_opt.format == XT_FMT_JSON) {
		o = json_object();
		set_str(o, "jid", who(cfg.target));
		set_str(o, "name", name);
		set_str(o, "version", version);
		set_str(o, "os", os);
		xt_write_json(stdout, o);
	}
	free(name);
	free(version);
	free(os);
	xmpp_stanza_release(reply);
	return 0;
}

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* XEP-0082 with its fraction of a second; -1 if it is not one. */
static double
parse_stamp(const char *s, double *resolution)
{
	time_t t;
	const char *dot;
	double frac = 0, scale = 0.1;

	if (s == NULL || xt_datetime_parse(s, &t) != 0)
		return -1;
	if ((dot = strchr(s, '.')) != NULL) {
		for (dot++; *dot >= '0' && *dot <= '9'; dot++, scale /= 10)
			frac += (*dot - '0') * scale;
		*resolution = scale * 10;
	} else {
		*resolution = 1;
	}
	return (double)t + frac;
}

static int
clock_time(void)
{
	xmpp_stanza_t *iq, *reply, *q;
	char *utc, *tzo, ours[32];
	double t0, t1, theirs, offset, res = 1;
	json_t *o;
	int status;

	iq = xmpp_iq_new(xt_session_ctx(S), "get", xt_session_id(S));
	if (cfg.target != NULL)
		xmpp_stanza_set_to(iq, cfg.target);
	xt_stanza_add(iq, "time", NS_TIME, NULL);
	t0 = wall_now();
	status = request(iq, "the time request", &reply);
	t1 = wall_now();
	if (status != 0)
		return status;
	q = is_result(reply) ? xmpp_stanza_get_child_by_ns(reply, NS_TIME) :
	    NULL;
	utc = xt_stanza_child_text(q, "utc");
	tzo = xt_stanza_child_text(q, "tzo");
	if (q == NULL || (theirs = parse_stamp(utc, &res)) < 0) {
		status = q == NULL ? refused("the time request", reply) :
		    (xt_error("'%s' sent a time that is not one: '%s'",
		    who(cfg.target), utc ? utc : ""), XT_NEGATIVE);
		free(utc);
		free(tzo);
		xmpp_stanza_release(reply);
		return status;
	}
	/* Their clock was read about halfway through the round trip, and
	 * what they sent is that time cut to their resolution (Prosody:
	 * whole seconds): the middle of that interval is the estimate. */
	offset = theirs + res / 2 - (t0 + t1) / 2;
	xt_datetime_format((time_t)t1, ours, sizeof(ours));
	if (xt_opt.format == XT_FMT_TEXT) {
		char off[32], rtt[32];

		snprintf(off, sizeof(off), "%+.3f", offset);
		snprintf(rtt, sizeof(rtt), "%.3f", (t1 - t0) * 1e3);
		REC("time", who(cfg.target), utc, tzo ? tzo : "", off, rtt);
	} else if (xt_opt.format == XT_FMT_JSON) {
		o = json_object();
		set_str(o, "jid", who(cfg.target));
		set_str(o, "utc", utc);
		set_str(o, "tzo", tzo);
		json_object_set_new(o, "offset_s", json_real(
		    round(offset * 1e3) / 1e3));
		json_object_set_new(o, "resolution_s", json_real(res));
		json_object_set_new(o, "rtt_ms", json_real(
		    round((t1 - t0) * 1e6) / 1e3));
		xt_write_json(stdout, o);
	}
	free(utc);
	free(tzo);
	xmpp_stanza_release(reply);
	return 0;
}

static int
uptime(void)
{
	xmpp_stanza_t *reply, *q;
	const char *secs;
	char *end;
	double v;
	json_t *o;
	int status = request(query_iq("get", cfg.target, NS_LAST, NULL),
	    "the uptime request", &reply);

	if (status != 0)
		return status;
	q = is_result(reply) ? xmpp_stanza_get_child_by_ns(reply, NS_LAST) :
	    NULL;
	secs = q ? xmpp_stanza_get_attribute(q, "seconds") : NULL;
	if (q == NULL || secs == NULL || (v = strtod(secs, &end), *end) ||
	    end == secs || v < 0) {
		status = q == NULL ? refused("the uptime request", reply) :
		    (xt_error("'%s' sent an uptime that is not one: '%s'",
		    who(cfg.target), secs ? secs : ""), XT_NEGATIVE);
		xmpp_stanza_release(reply);
		return status;
	}
	if (xt_opt.format == XT_FMT_TEXT) {
		REC("uptime", who(cfg.target), secs);
	} else if (xt_opt.format == XT_FMT_JSON) {
		o = json_object();
		set_str(o, "jid", who(cfg.target));
		json_object_set_new(o, "uptime_s", json_integer(
		    (json_int_t)v));
		xt_write_json(stdout, o);
	}
	xmpp_stanza_release(reply);
	return 0;
}

/* XEP-0157: the *-addresses fields of the serverinfo form. */
static int
contact(void)
{
	xmpp_stanza_t *reply;
	struct xt_disco_info *d;
	const struct xt_form *f;
	json_t *o, *c, *a;
	size_t i, j, len;
	char kind[64];
	size_t addresses = 0;
	int none, status = request(xt_disco_new(xt_session_ctx(S),
	    xt_session_id(S), cfg.target, NULL, 0), "disco#info", &reply);

	if (status != 0)
		return status;
	if ((d = xt_disco_info_parse(reply)) == NULL) {
		status = refused("disco#info", reply);
		xmpp_stanza_release(reply);
		return status;
	}
	f = xt_disco_form(d, NS_SERVERINFO);
	c = json_object();
	for (i = 0; f != NULL && i < f->nfields; i++) {
		const struct xt_field *fl = &f->fields[i];

		if (fl->var == NULL || (len = strlen(fl->var)) <= 10 ||
		    strcmp(fl->var + len - 10, "-addresses") != 0 ||
		    len - 10 >= sizeof(kind))
			continue;
		snprintf(kind, sizeof(kind), "%.*s", (int)(len - 10), fl->var);
		a = json_array();
		for (j = 0; j < fl->nvalues; j++) {
			addresses++;
			if (xt_opt.format == XT_FMT_TEXT)
				REC("contact", kind, fl->values[j]);
			json_array_append_new(a, json_string(fl->values[j]));
		}
		json_object_set_new(c, kind, a);
	}
	/* No addresses: a negative answer, so a check can assert them. */
	none = addresses == 0;
	if (xt_opt.format == XT_FMT_JSON) {
		o = json_object();
		set_str(o, "jid", who(cfg.target));
		json_object_set_new(o, "contacts", c);
		xt_write_json(stdout, o);
	} else {
		json_decref(c);
	}
	if (none)
		xt_error("'%s' publishes no contact addresses (XEP-0157)",
		    who(cfg.target));
	xt_disco_info_free(d);
	xmpp_stanza_release(reply);
	return none ? XT_NEGATIVE : 0;
}

static int
commands(void)
{
	xmpp_stanza_t *reply;
	struct xt_disco_items *d;
	json_t *o;
	int status = request(xt_disco_new(xt_session_ctx(S), xt_session_id(S),
	    cfg.target, NS_COMMANDS, 1), "the list of commands", &reply);

	if (status != 0)
		return status;
	if ((d = xt_disco_items_parse(reply)) == NULL) {
		status = refused("the list of commands", reply);
		xmpp_stanza_release(reply);
		return status;
	}
	if (xt_opt.format == XT_FMT_TEXT) {
		text_items(d, "command");
	} else if (xt_opt.format == XT_FMT_JSON) {
		o = json_object();
		set_str(o, "jid", who(cfg.target));
		json_object_set_new(o, "commands", json_items(d));
		xt_write_json(stdout, o);
	}
	xt_disco_items_free(d);
	xmpp_stanza_release(reply);
	return 0;
}

/* ---- --compliance (XEP-0479, XMPP Compliance Suites 2023) ---- */

enum check {
	C_LOGIN,		/* we are logged in */
	C_TLS,			/* the stream is encrypted */
	C_DIRECT_TLS,		/* we connected with direct TLS */
	C_STREAM,		/* a stream feature */
	C_SERVER,		/* a feature of the server */
	C_ACCOUNT,		/* a feature of our bare JID */
	C_SERVER_OR_ACCOUNT,
	C_PEP,			/* identity pubsub/pep on our bare JID */
	C_PEP_FEATURE,		/* PEP, and a feature of it */
	C_PRIVATE_OR_PEP,	/* bookmarks: private storage or PEP */
	C_ROSTER,		/* a roster get answered */
	C_PRIVATE,		/* a private storage get answered */
	C_COMPONENT,		/* an item of the server: identity (+ feature) */
	C_ROOM_FEATURE,		/* the MUC service or one of its rooms */
	C_UNSEEN		/* not visible to a client */
};

/* S: the Server column, A: Advanced Server. */
#define LV_S 1
#define LV_A 2

static const struct req {
	const char *suite, *spec, *name;
	int levels;
	enum check check;
	const char *arg, *arg2, *arg3;
} reqs[] = {
	{ "core", "RFC 6120", "Core features", LV_S | LV_A, C_LOGIN, 0, 0, 0 },
	{ "core", "RFC 7590", "TLS", LV_S | LV_A, C_TLS, 0, 0, 0 },
	{ "core", "XEP-0368", "Direct TLS", LV_A, C_DIRECT_TLS, 0, 0, 0 },
	{ "core", "XEP-0030", "Feature discovery", LV_S | LV_A, C_SERVER,
	    XT_NS_DISCO_INFO, 0, 0 },
	{ "core", "XEP-0115", "Feature broadcasts", LV_A, C_STREAM,
	    "http://jabber.org/protocol/caps", 0, 0 },
	{ "core", "XEP-0114", "Server Extensibility", LV_S | LV_A, C_UNSEEN,
	    "the component protocol is not offered to clients", 0, 0 },
	{ "core", "XEP-0163", "Event publishing", LV_A, C_PEP, 0, 0, 0 },
	{ "web", "RFC 7395", "Web Connection Mechanisms", LV_S | LV_A,
	    C_UNSEEN, "served over HTTP, not XMPP", 0, 0 },
	{ "web", "XEP-0206", "Web Connection Mechanisms", LV_S | LV_A,
	    C_UNSEEN, "served over HTTP, not XMPP", 0, 0 },
	{ "im", "RFC 6121", "Core features", LV_S | LV_A, C_ROSTER, 0, 0, 0 },
	{ "im", "XEP-0398", "User Avatar Compatibility", LV_A,
	    C_SERVER_OR_ACCOUNT, "urn:xmpp:pep-vcard-conversion:0", 0, 0 },
	{ "im", "XEP-0153", "User Avatar Compatibility", LV_A, C_SERVER,
	    "vcard-temp", 0, 0 },
	{ "im", "XEP-0054", "vcard-temp", LV_S | LV_A, C_SERVER, "vcard-temp",
	    0, 0 },
	{ "im", "XEP-0280", "Outbound Message Synchronization", LV_S | LV_A,
	    C_SERVER, "urn:xmpp:carbons:2", 0, 0 },
	{ "im", "XEP-0191", "User Blocking", LV_A, C_SERVER,
	    "urn:xmpp:blocking", 0, 0 },
	{ "im", "XEP-0045", "Group Chat", LV_S | LV_A, C_COMPONENT,
	    "conference", "text", "http://jabber.org/protocol/muc" },
	{ "im", "XEP-0249", "Group Chat", LV_S | LV_A, C_UNSEEN,
	    "invitations go from client to client", 0, 0 },
	{ "im", "XEP-0048", "Advanced Group Chat", LV_A, C_PRIVATE_OR_PEP, 0,
	    0, 0 },
	{ "im", "XEP-0313", "Advanced Group Chat", LV_A, C_ROOM_FEATURE,
	    "urn:xmpp:mam:2", 0, 0 },
	{ "im", "XEP-0402", "Advanced Group Chat", LV_A, C_ACCOUNT,
	    "urn:xmpp:bookmarks:1#compat", 0, 0 },
	{ "im", "XEP-0410", "Advanced Group Chat", LV_A, C_ROOM_FEATURE,
	    "http://jabber.org/protocol/muc#self-ping-optimization", 0, 0 },
	{ "im", "XEP-0223", "Persistent Storage of Private Data via PubSub",
	    LV_A, C_PEP_FEATURE, "http://jabber.org/protocol/pubsub#"
	    "publish-options", 0, 0 },
	{ "im", "XEP-0049", "Private XML Storage", LV_A, C_PRIVATE, 0, 0, 0 },
	{ "im", "XEP-0198", "Stream Management", LV_A, C_STREAM,
	    "urn:xmpp:sm:3", 0, 0 },
	{ "im", "XEP-0313", "History Storage / Retrieval", LV_A, C_ACCOUNT,
	    "urn:xmpp:mam:2", 0, 0 },
	{ "im", "XEP-0363", "File Upload", LV_S | LV_A, C_COMPONENT, "store",
	    "file", "urn:xmpp:http:upload:0" },
	{ "mobile", "XEP-0198", "Stream Management", LV_S | LV_A, C_STREAM,
	    "urn:xmpp:sm:3", 0, 0 },
	{ "mobile", "XEP-0352", "Client State Indication", LV_S | LV_A,
	    C_STREAM, "urn:xmpp:csi:0", 0, 0 },
	{ "mobile", "XEP-0357", "Third Party Push Notifications", LV_A,
	    C_ACCOUNT, "urn:xmpp:push:0", 0, 0 },
	{ "av", "XEP-0215", "STUN/TURN server discovery", LV_S | LV_A,
	    C_SERVER, "urn:xmpp:extdisco:2", 0, 0 },
};

static const char *const suites[] = { "core", "web", "im", "mobile", "av",
    NULL };

/* What the compliance check learnt. */
static struct {
	struct xt_disco_info *server, *account;
	char *account_err, *server_err;
	int roster;		/* 1 result, 0 error, -1 not asked */
	int private;
	size_t ncomp;
	struct comp {
		char *jid;
		struct xt_disco_info *info;
		char *room;	/* a MUC service: its first room */
		struct xt_disco_info *room_info;
	} *comp;
	int want[sizeof(suites) / sizeof(suites[0])];
} C;

static void
comp_info_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	(void)s;
	((struct comp *)arg)->info = xt_disco_info_parse(reply);
}

static void
room_info_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	(void)s;
	((struct comp *)arg)->room_info = xt_disco_info_parse(reply);
}

static void
rooms_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	struct comp *c = arg;
	struct xt_disco_items *d = xt_disco_items_parse(reply);

	(void)s;
	if (d != NULL && d->n > 0) {
		c->room = xt_strdup(d->items[0].jid);
		xt_iq_pool_add(pool, xt_disco_new(xt_session_ctx(S), NULL,
		    c->room, NULL, 0), room_info_cb, c);
	}
	xt_disco_items_free(d);
}

static void
server_items_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	struct xt_disco_items *d = xt_disco_items_parse(reply);
	size_t i;

	(void)s;
	(void)arg;
	if (d == NULL)
		return;
	C.comp = calloc(d->n ? d->n : 1, sizeof(*C.comp));
	if (C.comp == NULL)
		xt_die(XT_SOFTWARE, "out of memory");
	for (i = 0; i < d->n; i++) {
		/* Components are the domains listed; nodes are not. */
		if (d->items[i].node != NULL || strchr(d->items[i].jid, '@'))
			continue;
		C.comp[C.ncomp].jid = xt_strdup(d->items[i].jid);
		xt_iq_pool_add(pool, xt_disco_new(xt_session_ctx(S), NULL,
		    C.comp[C.ncomp].jid, NULL, 0), comp_info_cb,
		    &C.comp[C.ncomp]);
		C.ncomp++;
	}
	xt_disco_items_free(d);
}

static void
server_info_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	(void)s;
	(void)arg;
	if ((C.server = xt_disco_info_parse(reply)) == NULL)
		C.server_err = xt_strdup(condition(reply));
}

static void
account_info_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	(void)s;
	(void)arg;
	if ((C.account = xt_disco_info_parse(reply)) == NULL)
		C.account_err = xt_strdup(condition(reply));
}

static void
roster_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	(void)s;
	(void)arg;
	C.roster = reply == NULL ? -1 : is_result(reply);
}

/* XEP-0049 has no disco feature (ejabberd advertises none): ask. */
static void
private_cb(struct xt_session *s, xmpp_stanza_t *reply, void *arg)
{
	(void)s;
	(void)arg;
	C.private = reply == NULL ? -1 : is_result(reply);
}

/* After the components answered: ask each MUC service for a room. */
static int
ask_rooms(void)
{
	size_t i;
	int asked = 0;

	for (i = 0; i < C.ncomp; i++)
		if (xt_disco_identity(C.comp[i].info, "conference", "text")) {
			/* One room is enough; by page, so that ejabberd
			 * lists empty rooms too. */
			xt_iq_pool_add(pool, xt_disco_items_page(
			    xt_session_ctx(S), C.comp[i].jid, NULL, 1, NULL),
			    rooms_cb, &C.comp[i]);
			asked = 1;
		}
	return asked;
}

static const struct comp *
find_component(const char *category, const char *type, const char *feature)
{
	size_t i;

	for (i = 0; i < C.ncomp; i++)
		if (xt_disco_identity(C.comp[i].info, category, type) &&
		    (feature == NULL || xt_disco_has(C.comp[i].info, feature)))
			return &C.comp[i];
	return NULL;
}

/* present (1) or absent (0), or unseen (-1); where says where looked. */
static int
judge(const struct req *r, char *where, size_t len)
{
	const char *dom = xt_session_domain(S);
	const char *me = xt_session_jid(S);
	char bare[1024];
	const struct comp *c;
	size_t i;

	snprintf(bare, sizeof(bare), "%.*s", (int)strcspn(me, "/"), me);
	/* What our account did not tell cannot be judged. */
	if (C.account == NULL && (r->check == C_ACCOUNT || r->check == C_PEP ||
	    r->check == C_PEP_FEATURE || r->check == C_PRIVATE_OR_PEP ||
	    r->check == C_SERVER_OR_ACCOUNT)) {
		snprintf(where, len, "%s: disco#info %s", bare, C.account_err);
		return -1;
	}
	switch (r->check) {
	case C_LOGIN:
		snprintf(where, len, "login as %s", bare);
		return 1;
	case C_TLS:
		if (xt_opt.tls_mode == XT_TLS_NONE) {
			snprintf(where, len, "connected with --tls none");
			return -1;
		}
		snprintf(where, len, "stream");
		return 1;
	case C_DIRECT_TLS:
		if (xt_session_direct_tls(S)) {
			snprintf(where, len, "connected to %s",
			    xt_session_address(S));
			return 1;
		}
		snprintf(where, len, "connected with STARTTLS: use --tls "
		    "direct to check");
		return -1;
	case C_STREAM:
		snprintf(where, len, "stream features");
		return xt_session_has_feature(S, r->arg);
	case C_SERVER:
		snprintf(where, len, "%s", dom);
		return xt_disco_has(C.server, r->arg);
	case C_ACCOUNT:
		snprintf(where, len, "%s", bare);
		return xt_disco_has(C.account, r->arg);
	case C_SERVER_OR_ACCOUNT:
		if (xt_disco_has(C.account, r->arg)) {
			snprintf(where, len, "%s", bare);
			return 1;
		}
		snprintf(where, len, "%s", dom);
		return xt_disco_has(C.server, r->arg);
	case C_PEP:
		snprintf(where, len, "%s", bare);
		return xt_disco_identity(C.account, "pubsub", "pep") != NULL;
	case C_PEP_FEATURE:
		snprintf(where, len, "%s", bare);
		return xt_disco_identity(C.account, "pubsub", "pep") != NULL &&
		    xt_disco_has(C.account, r->arg);
	case C_PRIVATE_OR_PEP:
		if (xt_disco_identity(C.account, "pubsub", "pep") != NULL) {
			snprintf(where, len, "%s (PEP)", bare);
			return 1;
		}
		snprintf(where, len, "%s", dom);
		return xt_disco_has(C.server, "jabber:iq:private");
	case C_ROSTER:
		snprintf(where, len, "roster of %s%s", bare, C.roster < 0 ?
		    ": no answer" : "");
		return C.roster;
	case C_PRIVATE:
		snprintf(where, len, "private storage of %s%s", bare,
		    C.private < 0 ? ": no answer" : "");
		return C.private;
	case C_COMPONENT:
		if ((c = find_component(r->arg, r->arg2, r->arg3)) != NULL) {
			snprintf(where, len, "%s", c->jid);
			return 1;
		}
		snprintf(where, len, "items of %s", dom);
		return 0;
	case C_ROOM_FEATURE:
		for (i = 0; i < C.ncomp; i++) {
			c = &C.comp[i];
			if (!xt_disco_identity(c->info, "conference", "text"))
				continue;
			if (xt_disco_has(c->info, r->arg)) {
				snprintf(where, len, "%s", c->jid);
				return 1;
			}
			if (xt_disco_has(c->room_info, r->arg)) {
				snprintf(where, len, "%s", c->room);
				return 1;
			}
		}
		if ((c = find_component("conference", "text", NULL)) == NULL)
			snprintf(where, len, "no group chat service in the "
			    "items of %s", dom);
		else if (c->room == NULL || c->room_info == NULL) {
			/* Rooms say it, and there is none to ask. */
			snprintf(where, len, "%s (%s)", c->jid, c->room == NULL ?
			    "it lists no room to ask" : "its room did not "
			    "answer");
			return -1;
		} else {
			snprintf(where, len, "%s and %s", c->jid, c->room);
		}
		return 0;
	case C_UNSEEN:
		snprintf(where, len, "%s", r->arg);
		return -1;
	}
	return -1;
}

static void
parse_suites(void)
{
	char *list, *tok, *save = NULL;
	int i, any;

	if (opt.suite == NULL) {
		for (i = 0; suites[i] != NULL; i++)
			C.want[i] = 1;
		return;
	}
	list = xt_strdup(opt.suite);
	for (tok = strtok_r(list, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		for (i = 0, any = 0; suites[i] != NULL; i++)
			if (strcmp(tok, suites[i]) == 0 || strcmp(tok, "all")
			    == 0)
				C.want[i] = any = 1;
		if (!any)
			xt_die(XT_USAGE, "invalid --suite '%s': expected core, "
			    "web, im, mobile, av or all", tok);
	}
	free(list);
}

static int
wanted(const char *suite)
{
	int i;

	for (i = 0; suites[i] != NULL; i++)
		if (strcmp(suites[i], suite) == 0)
			return C.want[i];
	return 0;
}

static int
compliance(void)
{
	const char *me = xt_session_jid(S);
	char bare[1024], where[3072];
	const char *word;
	size_t i, n = sizeof(reqs) / sizeof(reqs[0]);
	int status, v, absent = 0, met = 0, unseen = 0;
	xmpp_stanza_t *iq;
	json_t *o;

	snprintf(bare, sizeof(bare), "%.*s", (int)strcspn(me, "/"), me);
	C.roster = C.private = -1;
	/* A fixed set of requests: --max-requests is for walks. */
	pool = xt_iq_pool_new(S, (int)cfg.parallel, 0, cfg.wait);
	xt_iq_pool_add(pool, xt_disco_new(xt_session_ctx(S), NULL,
	    xt_session_domain(S), NULL, 0), server_info_cb, NULL);
	xt_iq_pool_add(pool, xt_disco_new(xt_session_ctx(S), NULL,
	    xt_session_domain(S), NULL, 1), server_items_cb, NULL);
	xt_iq_pool_add(pool, xt_disco_new(xt_session_ctx(S), NULL, bare, NULL,
	    0), account_info_cb, NULL);
	iq = query_iq("get", NULL, NS_ROSTER, NULL);
	xt_iq_pool_add(pool, iq, roster_cb, NULL);
	iq = query_iq("get", NULL, NS_PRIVATE, NULL);
	xt_stanza_add(xmpp_stanza_get_children(iq), "probe",
	    "urn:xmpp-tools:compliance", NULL);
	xt_iq_pool_add(pool, iq, private_cb, NULL);
	status = xt_iq_pool_run(pool);
	if (status == 0 && ask_rooms())
		status = xt_iq_pool_run(pool);
	xt_iq_pool_free(pool);
	pool = NULL;
	if (status != 0)
		return status;
	if (C.server == NULL) {
		target_failed(xt_session_domain(S), "disco#info", C.server_err);
		return XT_NEGATIVE;
	}
	if (C.account == NULL && xt_verbose)
		target_failed(bare, "disco#info", C.account_err);
	for (i = 0; i < n; i++) {
		if (!wanted(reqs[i].suite) ||
		    !(reqs[i].levels & (opt.advanced ? LV_A : LV_S)))
			continue;
		v = judge(&reqs[i], where, sizeof(where));
		word = v > 0 ? "present" : v == 0 ? "absent" : "unknown";
		absent += v == 0;
		met += v > 0;
		unseen += v < 0;
		if (xt_opt.format == XT_FMT_TEXT) {
			REC(reqs[i].suite, reqs[i].spec, reqs[i].name, word,
			    where);
		} else {
			o = json_object();
			set_str(o, "suite", reqs[i].suite);
			set_str(o, "level", opt.advanced ? "advanced" :
			    "server");
			set_str(o, "spec", reqs[i].spec);
			set_str(o, "name", reqs[i].name);
			set_str(o, "status", word);
			set_str(o, "where", where);
			xt_write_json(stdout, o);
		}
	}
	xt_info(1, "%d present, %d absent, %d not visible to a client", met,
	    absent, unseen);
	if (absent > 0)
		xt_error("'%s' lacks %d %s of the suites checked",
		    xt_session_domain(S), absent, absent == 1 ?
		    "requirement" : "requirements");
	return absent ? XT_NEGATIVE : 0;
}

static void
compliance_free(void)
{
	size_t i;

	xt_disco_info_free(C.server);
	xt_disco_info_free(C.account);
	free(C.server_err);
	free(C.account_err);
	for (i = 0; i < C.ncomp; i++) {
		free(C.comp[i].jid);
		free(C.comp[i].room);
		xt_disco_info_free(C.comp[i].info);
		xt_disco_info_free(C.comp[i].room_info);
	}
	free(C.comp);
}

/* ---- main ---- */

static void
check_options(const char **args)
{
	const char *why;
	int modes;

	if (opt.depth)
		cfg.depth = xt_parse_whole("--depth", opt.depth, 0, 100);
	if (opt.parallel)
		cfg.parallel = xt_parse_whole("--parallel", opt.parallel, 1, 1000);
	if (opt.max_requests)
		cfg.max_requests = xt_parse_whole("--max-requests", opt.max_requests, 1,
		    1e7);
	if (opt.wait)
		cfg.wait = xt_parse_number("--wait", opt.wait, 0.01, 86400);
	if (opt.info && opt.items)
		xt_die(XT_USAGE, "--info and --items exclude each other: give "
		    "neither for both");
	if (opt.depth && !opt.tree)
		xt_die(XT_USAGE, "--depth needs --tree");
	if (opt.tree && (opt.info || opt.items))
		xt_die(XT_USAGE, "--tree asks both info and items: --info and "
		    "--items are for one entity");
	if ((opt.suite || opt.advanced) && !opt.compliance)
		xt_die(XT_USAGE, "--suite and --advanced need --compliance");
	modes = (opt.tree || opt.info || opt.items) + !!opt.has_feature +
	    opt.compliance + (opt.software || opt.time || opt.uptime ||
	    opt.contact || opt.commands);
	if (modes > 1)
		xt_die(XT_USAGE, "--tree/--info/--items, --has-feature, "
		    "--compliance and --software/--time/--uptime/--contact/"
		    "--commands exclude each other");
	if (args != NULL && args[0] != NULL) {
		if (!xt_jid_valid(args[0], &why))
			xt_die(XT_USAGE, "invalid JID '%s': %s", args[0], why);
		xt_jid_strip_dot((char *)args[0]);
		cfg.target = args[0];
		if (args[1] != NULL) {
			cfg.node = args[1];
			if (args[2] != NULL)
				xt_die(XT_USAGE, "too many arguments: '%s'",
				    args[2]);
		}
	}
	if (opt.compliance && cfg.target != NULL)
		xt_die(XT_USAGE, "--compliance checks the account's own "
		    "server: give no JID");
	if (cfg.node != NULL && (opt.software || opt.time || opt.uptime ||
	    opt.contact || opt.commands))
		xt_die(XT_USAGE, "a NODE is for disco requests only");
	if (opt.compliance)
		parse_suites();
}

/* The session's failure wins over a negative answer. */
static int
worse(int a, int b)
{
	return a > b ? a : b;
}

static int
online(int status)
{
	return status == 0 || status == XT_NEGATIVE;
}

static int
run(void)
{
	int status = 0;

	/* An iq without "to" is for our own account (RFC 6120 10.3.3). */
	if (cfg.target == NULL)
		cfg.target = xt_session_domain(S);
	if (opt.has_feature)
		return has_features();
	if (opt.compliance)
		return compliance();
	if (opt.software || opt.time || opt.uptime || opt.contact ||
	    opt.commands) {
		/* A negative answer to one does not stop the others. */
		if (opt.software)
			status = worse(status, software());
		if (opt.time && online(status))
			status = worse(status, clock_time());
		if (opt.uptime && online(status))
			status = worse(status, uptime());
		if (opt.contact && online(status))
			status = worse(status, contact());
		if (opt.commands && online(status))
			status = worse(status, commands());
		return status;
	}
	return walk();
}

int
main(int argc, const char **argv)
{
	poptContext pc;
	int status;

	xt_init(argv[0]);
	xt_format_dot = 1;
	pc = xt_parse_args(argc, argv, table, "[JID [NODE]]");
	check_options(poptGetArgs(pc));
	xt_opts_finish(XT_FMT_TEXT);
	if (xt_opt.format == XT_FMT_DOT && (opt.has_feature ||
	    opt.compliance || opt.software || opt.time || opt.uptime ||
	    opt.contact || opt.commands))
		xt_die(XT_USAGE, "-o dot draws disco items: use it with --tree "
		    "or alone");
	if (xt_opt.format == XT_FMT_XML && opt.compliance)
		xt_die(XT_USAGE, "--compliance has no stanzas to show: use -o "
		    "text or -o json");
	/* --has-feature answers with its exit status alone. */
	if (!opt.has_feature)
		xt_need_stdout();
	xt_account_password(&xt_opt);
	S = xt_session_new();
	status = xt_session_connect(S);
	xt_account_forget(&xt_opt);
	/* The deadline set at connect bounds the whole run (-w). */
	if (status == 0)
		status = run();
	if (status != 0 && xt_session_error(S) != NULL)
		xt_error("%s", xt_session_error(S));
	if (opt.compliance)
		compliance_free();
	xt_session_close(S);
	xt_session_free(S);
	poptFreeContext(pc);
	xt_close_stdout();
	return status;
}
