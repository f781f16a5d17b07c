/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz the CGROUPS_LOOKUP / APPS_LOOKUP request decoders (lookups.md 3.4)
 * and, behind them, the response builder's look-ahead (5.1-5.2).
 *
 * Input byte 0: bit 0 selects the method (even: CGROUPS_LOOKUP, odd:
 * APPS_LOOKUP), bits 1-2 the handler's answers, bits 3-7 the builder's
 * capacity; the rest is the request payload.
 *
 * The decoder's verdict must be that of the spec model in lookup-model.h.
 * An accepted request is walked key by key, re-encoded (the canonical
 * request of the same keys), and then answered: netipc_lookup_builder_init
 * with a capacity around the interesting boundaries, one add per key, and
 * finish. A model of 5.2 predicts every add's result, which items the
 * builder replaces by placeholders and where each item lands; a successful
 * response must decode and match it exactly.
 */
#include "config.h"

#include "lookup-model.h"

volatile uint32_t fuzz_sink;

/* Handler answers (input byte 0, bits 1-2). */
enum {
  ANSWER_PLACEHOLDERS, /* UNKNOWN_PERMANENT / UNKNOWN: placeholder-sized */
  ANSWER_KNOWN,        /* every key KNOWN, with names and labels */
  ANSWER_MIXED,        /* every status a handler may give */
  ANSWER_MIXED_PLAIN   /* mixed; CGROUPS_LOOKUP through the plain add */
};

/* What the builder does with one add (the 5.2 model). */
enum { PUT_ITEM, PUT_OVERSIZED, PUT_EXCEEDED };

typedef struct key {
  netipc_string_view path; /* CGROUPS_LOOKUP */
  uint32_t pid;            /* APPS_LOOKUP */
} key;

/* One handler answer, with room for its labels. */
typedef struct answer {
  netipc_cgroups_lookup_item cg;
  netipc_apps_lookup_item apps;
  netipc_lookup_label labels[3];
  uint64_t size;        /* canonical item size */
  uint64_t placeholder; /* placeholder size for the key */
} answer;

static const char text[] = "abcdefghijklmnopqrstuvwxyz/0123456789.-:";

static netipc_string_view
sv(const char *p, uint32_t len)
{
  netipc_string_view s = {p, len};
  return s;
}

/* The handler: a deterministic answer for key k (lookups.md 6). */
static void
make_answer(uint16_t method, int mode, uint32_t k, const key *kk, answer *a)
{
  memset(a, 0, sizeof *a);
  if (method == NETIPC_METHOD_CGROUPS_LOOKUP) {
    netipc_cgroups_lookup_item *c = &a->cg;
    uint32_t len = kk->path.len;
    const char *p = kk->path.ptr;
    uint16_t status = NETIPC_CGROUPS_LOOKUP_UNKNOWN_PERMANENT;
    if (mode == ANSWER_KNOWN) {
      status = NETIPC_CGROUPS_LOOKUP_KNOWN;
    } else if (mode != ANSWER_PLACEHOLDERS) {
      static const uint16_t pick[4] = {
          NETIPC_CGROUPS_LOOKUP_KNOWN,
          NETIPC_CGROUPS_LOOKUP_UNKNOWN_RETRY_LATER,
          NETIPC_CGROUPS_LOOKUP_UNKNOWN_PERMANENT,
          NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM, /* a handler may say so */
      };
      status = pick[(len + k) % 4];
    }
    c->status = status;
    c->path = kk->path;
    if (status == NETIPC_CGROUPS_LOOKUP_KNOWN) {
      c->orchestrator = (uint16_t)(len % 10); /* 8 and 9 too */
      c->name = sv(p, len / 2);
      uint32_t n = (uint8_t)p[len - 1] % 4u;
      if (n > len)
        n = len;
      for (uint32_t j = 0; j < n; j++) {
        a->labels[j].key = sv(p + j, len - j); /* non-empty */
        a->labels[j].value = sv(j ? p : NULL, j);
      }
      c->labels = n ? a->labels : NULL;
      c->label_count = (uint16_t)n;
    }
    a->size = fl_cgroups_item_size(len, c->name.len, c->labels,
                                   c->label_count);
    a->placeholder = NETIPC_CGROUPS_LOOKUP_PLACEHOLDER_BASE + (uint64_t)len;
    return;
  }

  netipc_apps_lookup_item *ap = &a->apps;
  uint32_t pid = kk->pid;
  uint16_t status = NETIPC_APPS_LOOKUP_UNKNOWN;
  if (mode == ANSWER_KNOWN) {
    status = NETIPC_APPS_LOOKUP_KNOWN;
  } else if (mode != ANSWER_PLACEHOLDERS) {
    static const uint16_t pick[3] = {NETIPC_APPS_LOOKUP_KNOWN,
                                     NETIPC_APPS_LOOKUP_UNKNOWN,
                                     NETIPC_APPS_LOOKUP_OVERSIZED_ITEM};
    status = pick[(mode == ANSWER_MIXED ? pid + k : k) % 3];
  }
  ap->status = status;
  ap->pid = pid;
  ap->uid = NETIPC_APPS_LOOKUP_UID_UNSET;
  if (status == NETIPC_APPS_LOOKUP_KNOWN) {
    uint16_t cgs = (uint16_t)((pid >> 1) & 3);
    ap->cgroup_status = cgs;
    ap->ppid = pid ^ 0x5a5au;
    ap->uid = pid * 3u; /* free for KNOWN, 0xFFFFFFFF included */
    ap->starttime = (uint64_t)pid * 1000003u;
    ap->comm = sv(text, 1 + pid % NETIPC_APPS_LOOKUP_COMM_MAX);
    switch (cgs) {
    case NETIPC_APPS_CGROUP_KNOWN: {
      ap->orchestrator = (uint16_t)((pid >> 5) % 10);
      ap->cgroup_path = sv(text + 26, 1 + (pid >> 3) % 14);
      ap->cgroup_name = sv(text + 3, (pid >> 4) % 12); /* may be empty */
      uint32_t n = (pid >> 7) % 4;
      for (uint32_t j = 0; j < n; j++) {
        a->labels[j].key = sv(text + 5 * j, 1 + j);
        a->labels[j].value = sv(text + 20, (j * 7) % 9);
      }
      ap->labels = n ? a->labels : NULL;
      ap->label_count = (uint16_t)n;
      break;
    }
    case NETIPC_APPS_CGROUP_UNKNOWN_RETRY_LATER:
      ap->cgroup_path = sv(text + 26, (pid >> 3) % 14); /* may be empty */
      break;
    case NETIPC_APPS_CGROUP_UNKNOWN_PERMANENT:
      ap->cgroup_path = sv(text + 26, 1 + (pid >> 3) % 14);
      break;
    default: /* HOST_ROOT */
      break;
    }
  }
  a->size = fl_apps_item_size(ap->comm.len, ap->cgroup_path.len,
                              ap->cgroup_name.len, ap->labels,
                              ap->label_count);
  a->placeholder = NETIPC_APPS_LOOKUP_PLACEHOLDER_LEN;
}

/* The built item i must be what the model says went there. */
static void
check_built_item(uint16_t method, const netipc_lookup_view *w, uint32_t i,
                 const key *kk, const answer *a, int put)
{
  const void *ib;
  uint32_t il;
  FUZZ_CHECK(netipc_lookup_resp_item_bytes(w, i, &ib, &il) == NETIPC_OK);
  const uint8_t *b = ib;
  FUZZ_CHECK(il == (put == PUT_ITEM ? a->size : a->placeholder));
  if (method == NETIPC_METHOD_CGROUPS_LOOKUP) {
    netipc_cgroups_lookup_item_view c;
    FUZZ_CHECK(netipc_cgroups_lookup_resp_item(w, i, &c) == NETIPC_OK);
    /* Echoes the key, at the canonical places (4.3). */
    FUZZ_CHECK(fl_same(c.path, kk->path.ptr, kk->path.len));
    FUZZ_CHECK((const uint8_t *)c.path.ptr ==
               b + NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN);
    FUZZ_CHECK((const uint8_t *)c.name.ptr ==
               b + NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN + c.path.len + 1);
    if (put != PUT_ITEM) {
      FUZZ_CHECK(c.status == (put == PUT_OVERSIZED
                                  ? NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM
                                  : NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED));
      FUZZ_CHECK(c.orchestrator == 0 && c.name.len == 0 &&
                 c.labels.count == 0);
      return;
    }
    FUZZ_CHECK(c.status == a->cg.status &&
               c.orchestrator == a->cg.orchestrator);
    FUZZ_CHECK(fl_same(c.name, a->cg.name.ptr, a->cg.name.len));
    FUZZ_CHECK(c.labels.count == a->cg.label_count);
    for (uint16_t j = 0; j < c.labels.count; j++) {
      netipc_lookup_label lab;
      FUZZ_CHECK(netipc_lookup_label_get(&c.labels, j, &lab) == NETIPC_OK);
      FUZZ_CHECK(fl_same(lab.key, a->labels[j].key.ptr, a->labels[j].key.len));
      FUZZ_CHECK(
          fl_same(lab.value, a->labels[j].value.ptr, a->labels[j].value.len));
    }
    return;
  }
  netipc_apps_lookup_item_view v;
  FUZZ_CHECK(netipc_apps_lookup_resp_item(w, i, &v) == NETIPC_OK);
  FUZZ_CHECK(v.pid == kk->pid);
  uint32_t h = NETIPC_APPS_LOOKUP_ITEM_HDR_LEN;
  FUZZ_CHECK((const uint8_t *)v.comm.ptr == b + h);
  FUZZ_CHECK((const uint8_t *)v.cgroup_path.ptr == b + h + v.comm.len + 1);
  FUZZ_CHECK((const uint8_t *)v.cgroup_name.ptr ==
             b + h + v.comm.len + 1 + v.cgroup_path.len + 1);
  if (put != PUT_ITEM) {
    FUZZ_CHECK(v.status == (put == PUT_OVERSIZED
                                ? NETIPC_APPS_LOOKUP_OVERSIZED_ITEM
                                : NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED));
    FUZZ_CHECK(v.cgroup_status == 0 && v.orchestrator == 0 && v.ppid == 0 &&
               v.uid == NETIPC_APPS_LOOKUP_UID_UNSET && v.starttime == 0 &&
               v.comm.len == 0 && v.cgroup_path.len == 0 &&
               v.cgroup_name.len == 0 && v.labels.count == 0);
    return;
  }
  const netipc_apps_lookup_item *x = &a->apps;
  FUZZ_CHECK(v.status == x->status && v.cgroup_status == x->cgroup_status &&
             v.orchestrator == x->orchestrator && v.ppid == x->ppid &&
             v.uid == x->uid && v.starttime == x->starttime);
  FUZZ_CHECK(fl_same(v.comm, x->comm.ptr, x->comm.len));
  FUZZ_CHECK(fl_same(v.cgroup_path, x->cgroup_path.ptr, x->cgroup_path.len));
  FUZZ_CHECK(fl_same(v.cgroup_name, x->cgroup_name.ptr, x->cgroup_name.len));
  FUZZ_CHECK(v.labels.count == x->label_count);
  for (uint16_t j = 0; j < v.labels.count; j++) {
    netipc_lookup_label lab;
    FUZZ_CHECK(netipc_lookup_label_get(&v.labels, j, &lab) == NETIPC_OK);
    FUZZ_CHECK(fl_same(lab.key, a->labels[j].key.ptr, a->labels[j].key.len));
    FUZZ_CHECK(
        fl_same(lab.value, a->labels[j].value.ptr, a->labels[j].value.len));
  }
}

static netipc_err
add_answer(netipc_lookup_builder *b, int mode, const answer *a)
{
  if (b->method == NETIPC_METHOD_APPS_LOOKUP)
    return netipc_apps_lookup_builder_add(b, &a->apps);
  if (mode == ANSWER_MIXED_PLAIN)
    return netipc_cgroups_lookup_builder_add(b, &a->cg);
  return netipc_cgroups_lookup_builder_add_key(b, &a->cg);
}

/*
 * The builder's error paths with the same capacity: an add beyond the last
 * key, too few adds, and content that breaks the rules of 4.3 / 4.4. The
 * first failure is remembered (netipc/lookup.h). want is the model's
 * result of the n proper adds, add_err that of each.
 */
static void
misuse(const netipc_lookup_req_view *req, int mode, const answer *ans,
       size_t cap, netipc_err init_want, const netipc_err *add_err,
       netipc_err want)
{
  uint32_t n = req->item_count;
  uint8_t *out = fuzz_alloc(cap);
  netipc_lookup_builder b;
  size_t out_len;

  /* One add too many: OVERFLOW unless something failed before. */
  FL_CHECK_ERR(netipc_lookup_builder_init(&b, out, cap, req), init_want);
  for (uint32_t k = 0; k < n; k++)
    FL_CHECK_ERR(add_answer(&b, mode, &ans[k]), add_err[k]);
  netipc_err extra = want != NETIPC_OK ? want : NETIPC_ERR_OVERFLOW;
  FL_CHECK_ERR(add_answer(&b, mode, n ? &ans[n - 1] : &ans[0]), extra);
  FL_CHECK_ERR(netipc_lookup_builder_finish(&b, &out_len), extra);

  if (n == 0) {
    free(out);
    return;
  }
  /* One add too few: BAD_ITEM_COUNT unless something failed before. */
  FL_CHECK_ERR(netipc_lookup_builder_init(&b, out, cap, req), init_want);
  netipc_err first = init_want;
  for (uint32_t k = 0; k + 1 < n; k++) {
    FL_CHECK_ERR(add_answer(&b, mode, &ans[k]), add_err[k]);
    if (first == NETIPC_OK)
      first = add_err[k];
  }
  FL_CHECK_ERR(netipc_lookup_builder_finish(&b, &out_len),
               first != NETIPC_OK ? first : NETIPC_ERR_BAD_ITEM_COUNT);

  /* A bad first item: BAD_LAYOUT, remembered for the rest. */
  answer bad = ans[0];
  static const char nul_name[] = {'a', '\0', 'b'};
  switch (n % 3) {
  case 0: /* a status other than KNOWN with content */
    if (req->method == NETIPC_METHOD_APPS_LOOKUP) {
      bad.apps.status = NETIPC_APPS_LOOKUP_UNKNOWN;
      bad.apps.cgroup_status = 0;
      bad.apps.comm = sv(NULL, 0);
      bad.apps.cgroup_path = sv(NULL, 0);
      bad.apps.cgroup_name = sv(NULL, 0);
      bad.apps.labels = NULL;
      bad.apps.label_count = 0;
      bad.apps.uid = NETIPC_APPS_LOOKUP_UID_UNSET;
      bad.apps.ppid = 1;
    } else {
      bad.cg.status = NETIPC_CGROUPS_LOOKUP_UNKNOWN_RETRY_LATER;
      bad.cg.name = sv(NULL, 0);
      bad.cg.labels = NULL;
      bad.cg.label_count = 0;
      bad.cg.orchestrator = NETIPC_ORCHESTRATOR_DOCKER;
    }
    break;
  case 1: /* a NUL inside a string */
    if (req->method == NETIPC_METHOD_APPS_LOOKUP) {
      bad.apps.status = NETIPC_APPS_LOOKUP_KNOWN;
      bad.apps.cgroup_status = NETIPC_APPS_CGROUP_HOST_ROOT;
      bad.apps.orchestrator = 0;
      bad.apps.cgroup_path = sv(NULL, 0);
      bad.apps.cgroup_name = sv(NULL, 0);
      bad.apps.labels = NULL;
      bad.apps.label_count = 0;
      bad.apps.comm = sv(nul_name, sizeof nul_name);
    } else {
      bad.cg.status = NETIPC_CGROUPS_LOOKUP_KNOWN;
      bad.cg.name = sv(nul_name, sizeof nul_name);
    }
    break;
  default: /* an empty label key */
    bad.labels[0].key = sv(NULL, 0);
    bad.labels[0].value = sv(text, 1);
    if (req->method == NETIPC_METHOD_APPS_LOOKUP) {
      bad.apps.status = NETIPC_APPS_LOOKUP_KNOWN;
      bad.apps.cgroup_status = NETIPC_APPS_CGROUP_KNOWN;
      bad.apps.comm = sv(text, 1);
      bad.apps.cgroup_path = sv(text + 26, 1);
      bad.apps.labels = bad.labels;
      bad.apps.label_count = 1;
    } else {
      bad.cg.status = NETIPC_CGROUPS_LOOKUP_KNOWN;
      bad.cg.labels = bad.labels;
      bad.cg.label_count = 1;
    }
    break;
  }
  FL_CHECK_ERR(netipc_lookup_builder_init(&b, out, cap, req), init_want);
  netipc_err rem = init_want != NETIPC_OK ? init_want : NETIPC_ERR_BAD_LAYOUT;
  FL_CHECK_ERR(add_answer(&b, mode, &bad), rem);
  for (uint32_t k = 1; k < n; k++)
    FL_CHECK_ERR(add_answer(&b, mode, &ans[k]), rem);
  FL_CHECK_ERR(netipc_lookup_builder_finish(&b, &out_len), rem);
  free(out);
}

/*
 * Answer the decoded request with the look-ahead builder. sel is input
 * byte 0. Whatever the capacity, the builder either fails with OVERFLOW
 * exactly where the model does, or writes the model's response.
 */
static void
answer_request(uint8_t sel, const netipc_lookup_req_view *req, const key *keys)
{
  uint16_t method = req->method;
  int mode = (sel >> 1) & 3;
  uint32_t csel = sel >> 3;
  uint32_t n = req->item_count;
  uint64_t dir = NETIPC_LOOKUP_HDR_LEN + 8 * (uint64_t)n;

  answer *ans = malloc(sizeof *ans * (n + 1u));
  uint64_t *r = malloc(sizeof *r * (n + 1u));
  uint64_t *at = malloc(sizeof *at * (n + 1u));
  int *put = malloc(sizeof *put * (n + 1u));
  netipc_err *add_err = malloc(sizeof *add_err * (n + 1u));
  FUZZ_CHECK(ans && r && at && put && add_err);

  /* Canonical sizes: every answer as given, and every key a placeholder. */
  uint64_t full = 0, ph = 0;
  for (uint32_t k = 0; k < n; k++) {
    make_answer(method, mode, k, &keys[k], &ans[k]);
    full = (k ? fl_align8(full) : 0) + ans[k].size;
    ph = (k ? fl_align8(ph) : 0) + ans[k].placeholder;
  }
  full += dir;
  ph += dir;
  if (n == 0) { /* for misuse()'s add beyond the last key */
    key dummy = {sv("/", 1), 1};
    make_answer(method, mode, 0, &dummy, &ans[0]);
  }

  /* The capacity, near each boundary that matters. */
  uint64_t cap;
  if (csel < 8)
    cap = full > csel ? full - csel : 0; /* 0: everything fits exactly */
  else if (csel < 24)
    cap = ph + csel >= 16 ? ph + csel - 16 : 0; /* the OVERFLOW edge */
  else if (csel < 28)
    cap = dir + csel >= 26 ? dir + csel - 26 : 0; /* the directory edge */
  else
    cap = ph + (full - ph) * (csel - 27) / 5;

  /* The model (5.1-5.2). */
  r[n] = 0;
  for (uint32_t i = n; i-- > 0;)
    r[i] = r[i + 1] == 0 ? ans[i].placeholder
                         : fl_align8(ans[i].placeholder) + r[i + 1];
  netipc_err want = cap < dir ? NETIPC_ERR_OVERFLOW : NETIPC_OK;
  netipc_err init_want = want;
  uint64_t d = dir;
  int suffix = 0;
  for (uint32_t k = 0; k < n; k++) {
    add_err[k] = want;
    if (want != NETIPC_OK)
      continue;
    uint64_t a = fl_align8(d), s = ans[k].size;
    if (suffix) {
      put[k] = PUT_EXCEEDED;
    } else {
      uint64_t e = fl_align8(a + s);
      if (a + s <= cap && e <= cap && r[k + 1] <= cap - e)
        put[k] = PUT_ITEM;
      else if (k == 0)
        put[k] = PUT_OVERSIZED;
      else
        put[k] = PUT_EXCEEDED, suffix = 1;
    }
    if (put[k] != PUT_ITEM) {
      s = ans[k].placeholder;
      if (a + s > cap) {
        want = add_err[k] = NETIPC_ERR_OVERFLOW;
        continue;
      }
    }
    at[k] = a;
    d = a + s;
  }

  /* The builder. */
  if (cap > ((uint64_t)64 << 20))
    goto done; /* cannot happen with libFuzzer's input sizes */
  uint8_t *out = fuzz_alloc((size_t)cap);
  memset(out, 0xA5, (size_t)cap); /* unzeroed gaps show */
  netipc_lookup_builder b;
  FL_CHECK_ERR(netipc_lookup_builder_init(&b, out, (size_t)cap, req),
               init_want);
  uint64_t gen = 0x8000000000000001u ^ ((uint64_t)n << 32) ^ cap;
  netipc_lookup_builder_set_generation(&b, gen);
  for (uint32_t k = 0; k < n; k++)
    FL_CHECK_ERR(add_answer(&b, mode, &ans[k]), add_err[k]);
  size_t out_len = 0;
  netipc_err err = netipc_lookup_builder_finish(&b, &out_len);
  FL_CHECK_ERR(err, want);
  if (err == NETIPC_OK) {
    FUZZ_CHECK(want == NETIPC_OK && cap >= ph);
    FUZZ_CHECK(out_len == d && out_len <= cap);
    FL_CHECK_ERR(fl_model_resp(method, out, out_len), NETIPC_OK);
    netipc_lookup_view w;
    FL_CHECK_ERR(method == NETIPC_METHOD_CGROUPS_LOOKUP
                     ? netipc_cgroups_lookup_resp_decode(out, out_len, &w)
                     : netipc_apps_lookup_resp_decode(out, out_len, &w),
                 NETIPC_OK);
    FUZZ_CHECK(w.item_count == n && w.generation == gen);
    uint64_t prev = dir;
    for (uint32_t k = 0; k < n; k++) {
      const void *ib;
      uint32_t il;
      FUZZ_CHECK(netipc_lookup_resp_item_bytes(&w, k, &ib, &il) == NETIPC_OK);
      FUZZ_CHECK((const uint8_t *)ib == out + at[k]);
      for (uint64_t g = prev; g < at[k]; g++)
        FUZZ_CHECK(out[g] == 0);
      prev = at[k] + il;
      check_built_item(method, &w, k, &keys[k], &ans[k], put[k]);
    }
    /* All answers as given exactly when their canonical layout fits. */
    int all = 1;
    for (uint32_t k = 0; k < n; k++)
      all &= put[k] == PUT_ITEM;
    FUZZ_CHECK(all == (n == 0 || fl_align8(full) <= cap));
  } else {
    /* Fails only when not even the placeholders fit (5.4). */
    FUZZ_CHECK(err == NETIPC_ERR_OVERFLOW && cap < ph);
  }
  free(out);
  misuse(req, mode, ans, (size_t)cap, init_want, add_err, want);
done:
  free(ans);
  free(r);
  free(at);
  free(put);
  free(add_err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  uint16_t method = fl_method(data[0]);
  int cg = method == NETIPC_METHOD_CGROUPS_LOOKUP;
  size_t len = size - 1;
  uint8_t *buf = fuzz_dup(data + 1, len);

  netipc_lookup_req_view v;
  netipc_err err = cg ? netipc_cgroups_lookup_req_decode(buf, len, &v)
                      : netipc_apps_lookup_req_decode(buf, len, &v);
  FL_CHECK_ERR(err, fl_model_req(method, buf, len));
  if (err != NETIPC_OK) {
    free(buf);
    return 0;
  }
  FUZZ_CHECK(v.payload == buf && v.payload_len == len && v.method == method);
  uint32_t n = v.item_count;
  FUZZ_CHECK(n == fuzz_ld32(buf + 4));
  uint64_t kbase = NETIPC_LOOKUP_HDR_LEN + 8 * (uint64_t)n;
  FUZZ_CHECK(kbase <= len);

  /* Every key, every byte. */
  key *keys = calloc(n + 1u, sizeof *keys);
  FUZZ_CHECK(keys != NULL);
  uint32_t sum = 0;
  for (uint32_t i = 0; i < n; i++) {
    const uint8_t *k = buf + kbase + fuzz_ld32(buf + 16 + 8 * (size_t)i);
    uint32_t klen = fuzz_ld32(buf + 20 + 8 * (size_t)i);
    if (cg) {
      netipc_string_view p;
      FUZZ_CHECK(netipc_cgroups_lookup_req_path(&v, i, &p) == NETIPC_OK);
      FUZZ_CHECK(p.len >= 1);
      sum += fl_check_str(p, buf + kbase, buf + len);
      FUZZ_CHECK((const uint8_t *)p.ptr == k && p.len + 1 == klen);
      uint32_t pid;
      FUZZ_CHECK(netipc_apps_lookup_req_pid(&v, i, &pid) ==
                 NETIPC_ERR_INVALID_ARG);
      keys[i].path = p;
    } else {
      uint32_t pid = 0;
      FUZZ_CHECK(netipc_apps_lookup_req_pid(&v, i, &pid) == NETIPC_OK);
      FUZZ_CHECK(klen == NETIPC_APPS_LOOKUP_KEY_LEN &&
                 k + klen <= buf + len && pid == fuzz_ld32(k));
      sum += fuzz_touch(k, klen);
      netipc_string_view p;
      FUZZ_CHECK(netipc_cgroups_lookup_req_path(&v, i, &p) ==
                 NETIPC_ERR_INVALID_ARG);
      keys[i].pid = pid;
    }
  }
  fuzz_sink += sum;
  if (cg) {
    netipc_string_view p;
    FUZZ_CHECK(netipc_cgroups_lookup_req_path(&v, n, &p) ==
               NETIPC_ERR_OUT_OF_BOUNDS);
  } else {
    uint32_t pid;
    FUZZ_CHECK(netipc_apps_lookup_req_pid(&v, n, &pid) ==
               NETIPC_ERR_OUT_OF_BOUNDS);
  }

  /* The canonical request of the same keys (3.2, 3.3): never longer, the
   * same keys, and the same bytes when the input was canonical. */
  netipc_string_view *paths = malloc(sizeof *paths * (n + 1u));
  uint32_t *pids = malloc(sizeof *pids * (n + 1u));
  FUZZ_CHECK(paths != NULL && pids != NULL);
  for (uint32_t i = 0; i < n; i++) {
    paths[i] = keys[i].path;
    pids[i] = keys[i].pid;
  }
  uint64_t need = cg ? netipc_cgroups_lookup_req_size(paths, n)
                     : netipc_apps_lookup_req_size(n);
  FUZZ_CHECK(need <= len);
  uint8_t *enc = fuzz_alloc((size_t)need);
  size_t enc_len = 0;
  FUZZ_CHECK((cg ? netipc_cgroups_lookup_req_encode(paths, n, enc,
                                                    (size_t)need - 1, &enc_len)
                 : netipc_apps_lookup_req_encode(pids, n, enc,
                                                 (size_t)need - 1,
                                                 &enc_len)) ==
             NETIPC_ERR_NOSPACE);
  FUZZ_CHECK((cg ? netipc_cgroups_lookup_req_encode(paths, n, enc,
                                                    (size_t)need, &enc_len)
                 : netipc_apps_lookup_req_encode(pids, n, enc, (size_t)need,
                                                 &enc_len)) == NETIPC_OK);
  FUZZ_CHECK(enc_len == need);
  netipc_lookup_req_view w;
  FUZZ_CHECK((cg ? netipc_cgroups_lookup_req_decode(enc, enc_len, &w)
                 : netipc_apps_lookup_req_decode(enc, enc_len, &w)) ==
             NETIPC_OK);
  FUZZ_CHECK(w.item_count == n);
  uint64_t prev_end = kbase;
  for (uint32_t i = 0; i < n; i++) {
    uint64_t at = kbase + fuzz_ld32(enc + 16 + 8 * (size_t)i);
    FUZZ_CHECK(at == (i ? fl_align8(prev_end) : kbase));
    for (uint64_t g = prev_end; g < at; g++)
      FUZZ_CHECK(enc[g] == 0);
    if (cg) {
      netipc_string_view p;
      FUZZ_CHECK(netipc_cgroups_lookup_req_path(&w, i, &p) == NETIPC_OK);
      FUZZ_CHECK(fl_same(p, keys[i].path.ptr, keys[i].path.len));
      prev_end = at + p.len + 1;
    } else {
      uint32_t pid;
      FUZZ_CHECK(netipc_apps_lookup_req_pid(&w, i, &pid) == NETIPC_OK);
      FUZZ_CHECK(pid == keys[i].pid);
      prev_end = at + NETIPC_APPS_LOOKUP_KEY_LEN;
    }
  }
  FUZZ_CHECK(prev_end == enc_len);
  /* As long as the canonical form only if it is it, gaps aside. */
  if (len == enc_len) {
    FUZZ_CHECK(memcmp(enc, buf, (size_t)kbase) == 0);
    for (uint32_t i = 0; i < n; i++) {
      uint32_t off = fuzz_ld32(enc + 16 + 8 * (size_t)i);
      uint32_t klen = fuzz_ld32(enc + 20 + 8 * (size_t)i);
      FUZZ_CHECK(memcmp(enc + kbase + off, buf + kbase + off, klen) == 0);
    }
  }
  free(enc);
  free(paths);
  free(pids);

  answer_request(data[0], &v, keys);
  free(keys);
  free(buf);
  return 0;
}
