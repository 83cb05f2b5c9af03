/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz the reading of disco replies and data forms (common/disco.c,
 * common/form.c): for each stanza the reader finds, what disco#info and
 * disco#items make of it, and every form in it, must be consistent. */
#include <jansson.h>

#include "fuzz.h"

#define MAX_STANZAS 16

struct kept {
	xmpp_stanza_t *st[MAX_STANZAS];
	size_t n;
};

static int
keep(xmpp_stanza_t *st, void *arg)
{
	struct kept *k = arg;

	if (k->n < MAX_STANZAS)
		k->st[k->n++] = xmpp_stanza_clone(st);
	return 0;
}

static void
check_form(const struct xt_form *f)
{
	json_t *j;
	char *s;
	size_t i, n = 0;

	fuzz_assert(f != NULL && f->nfields <= 1000);
	for (i = 0; i < f->nfields; i++) {
		fuzz_assert(f->fields[i].nvalues <= 1000);
		if (f->fields[i].var != NULL &&
		    strcmp(f->fields[i].var, "FORM_TYPE") == 0 &&
		    f->fields[i].nvalues > 0 && n++ == 0)
			/* The first FORM_TYPE with a value names the form. */
			fuzz_assert(f->form_type == f->fields[i].values[0]);
	}
	if (n == 0)
		fuzz_assert(f->form_type == NULL);
	if (f->nfields > 0 && f->fields[0].var != NULL)
		fuzz_assert(xt_form_field(f, f->fields[0].var) == &f->fields[0]);
	j = xt_form_json(f);
	fuzz_assert(j != NULL);
	fuzz_assert(json_array_size(json_object_get(j, "fields")) ==
	    f->nfields);
	s = json_dumps(j, JSON_COMPACT);
	fuzz_assert(s != NULL);
	free(s);
	json_decref(j);
}

static void
check_info(xmpp_stanza_t *st)
{
	struct xt_disco_info *d = xt_disco_info_parse(st);
	size_t i;

	if (d == NULL)
		return;
	fuzz_assert(strcmp(xmpp_stanza_get_type(st), "result") == 0);
	for (i = 0; i < d->nfeatures; i++) {
		fuzz_assert(d->features[i] != NULL);
		if (i > 0)
			fuzz_assert(strcmp(d->features[i - 1],
			    d->features[i]) <= 0);
		fuzz_assert(xt_disco_has(d, d->features[i]));
	}
	for (i = 0; i < d->nids; i++)
		if (d->ids[i].category != NULL)
			fuzz_assert(xt_disco_identity(d, d->ids[i].category,
			    NULL) != NULL);
	for (i = 0; i < d->nforms; i++) {
		check_form(d->forms[i]);
		if (d->forms[i]->form_type != NULL)
			fuzz_assert(xt_disco_form(d, d->forms[i]->form_type)
			    != NULL);
	}
	xt_disco_info_free(d);
}

static void
check_items(xmpp_stanza_t *st)
{
	struct xt_disco_items *d = xt_disco_items_parse(st);
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		fuzz_assert(d->items[i].jid != NULL);
	xt_disco_items_free(d);
}

/* Every form anywhere in the stanza, not only in disco replies. */
static void
check_forms(xmpp_stanza_t *st, int depth)
{
	xmpp_stanza_t *c;
	struct xt_form *f;

	if (depth > 64)
		return;
	if (xt_form_is(st)) {
		f = xt_form_parse(st);
		check_form(f);
		xt_form_free(f);
	}
	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c))
			check_forms(c, depth + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kept k = { { 0 }, 0 };
	struct xt_reader *r = xt_reader_new(fuzz_ctx(), keep, &k);
	size_t i;

	fuzz_assert(r != NULL);
	xt_reader_feed(r, (const char *)data, size, 1);
	xt_reader_free(r);
	for (i = 0; i < k.n; i++) {
		check_info(k.st[i]);
		check_items(k.st[i]);
		check_forms(k.st[i], 0);
		xmpp_stanza_release(k.st[i]);
	}
	return 0;
}
