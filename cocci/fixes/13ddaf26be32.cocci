// SPDX-License-Identifier: GPL-2.0-only
/// Backport of 13ddaf26be32 "mm/swap: fix race when skipping swapcache"
/// (CVE-2024-26759, Fixes: 0bcac06f27d7, first in v4.15, fixed in v6.8).
///
/// do_swap_page() reads a page straight from a SWP_SYNCHRONOUS_IO device,
/// without the swapcache, when the entry's swap count is 1.  Two faults on
/// the same entry (threads sharing the mm) can both take that path; the first
/// to finish frees the entry, a swapout reuses it, and the second maps stale
/// data because pte_same() cannot tell the reused entry from the old one.
/// The fix pins the entry with swapcache_prepare() (SWAP_HAS_CACHE) before
/// the read, backs off for a tick and retries the fault when the pin fails,
/// and drops the pin with a new swapcache_clear() on both exits of
/// do_swap_page().
///
/// Trees: every tree with the skip-swapcache path, 4.15 up to 6.8-rc5
/// (tested on 4.19, 5.4, 5.10, 5.15, 6.1, 6.6 and 6.8 shaped code).  One rule
/// serves them all:
///  - the skip branch is found by its condition, with or without data_race()
///    and with __swap_count(si, entry) (4.19) or __swap_count(entry) (5.1+);
///    what the branch allocates (page or folio) and how it reads
///    (swap_readpage() with 2 or 3 arguments, swap_read_folio()) does not
///    matter, the pin goes first in the branch;
///  - in 4.19, 5.4 and 5.10 `si` is a local of the `if (!page)` block and
///    nothing holds the device (get_swap_device() there is an RCU or
///    preempt-off section, not something to hold across the read): the rule
///    hoists `si` to function scope so that both exits can drop the pin.
///    While the pin is held, swapoff's try_to_unuse() cannot get past the
///    entry (swapcache_prepare() keeps failing with -EEXIST for it), so
///    si->swap_map stays valid until swapcache_clear();
///  - in 4.19 to 5.15 do_swap_page() sets DELAYACCT_PF_SWAPIN; the back-off
///    path clears it with the same call the other early exits use
///    (delayacct_clear_flag() takes the task from 5.14 on);
///  - swapcache_clear() is declared in mm/swap.h when the tree has one
///    (5.19+), else in include/linux/swap.h next to swapcache_prepare();
///    the !CONFIG_SWAP swapcache_prepare() stub is added only where none
///    exists (4.19 to 5.10 have a macro for it, 5.15 to 6.7 nothing);
///  - need_clear_cache goes after `rmap_t rmap_flags` where that exists
///    (the mainline place), else next to the function-scope `si`.
///
/// In 4.19 and 5.4, check that the tree has 029c4628b2eb ("mm: swap: get rid
/// of livelock in swapin readahead", in 5.10.108 and 5.15.30): without it a
/// readahead that meets the pinned entry spins on cond_resched() instead of
/// sleeping, which can starve a lower-priority holder of the pin.
///
/// Modes:
///  -D patch   apply the fix; trees that already have it are left alone.
///  -D revert  take the fix out again (gives back the tree before it; in 6.1
///             to 6.7 this is the state before the stable backport).  Revert
///             01626a182302 first if the tree has it.
///  -D report  one line per finding on stdout,
///             "<file>:<line>: fixed: <what>" or "<file>:<line>: missing: <what>",
///             file relative to the tree root; nothing when the tree has no
///             skip-swapcache path (4.14 and older: not affected).
///
/// Patch and revert change mm/memory.c, mm/swapfile.c and the header that
/// holds the mm-internal swap declarations, plus the !CONFIG_SWAP side of
/// include/linux/swap.h; give spatch all of them at once (see
/// cocci/README.md):
///
///   spatch --sp-file cocci/fixes/13ddaf26be32.cocci -D patch --very-quiet \
///          --no-includes --include-headers --in-place --timeout 120 --dir TREE
//
// Confidence: High
// Copyright: the ltsport authors.
// Comments: the added code carries no comment of its own: when upstream's
//  patch is at hand, ltsport grafts upstream's comment lines where their
//  hunk context matches (tools/ltsport/bridge.c), else the code goes in bare.
//  The pin ends with a blank line unless the branch already opens with one
//  (what revert leaves of an upstream-shaped backport).
// Options: --no-includes --include-headers
// Isomorphisms: every rule disables commeq (E == C also as C == E),
//  bitand_comm (X & Y also as Y & X) and not_int2 (X also as X != 0):
//  kernel code writes these conditions one way in every era, and
//  expanding them was most of spatch's time (on 6.1's files:
//  patch 8.5 s, 1.5 s without).
//  The output is the same without them on every era fixture and on
//  4.19, 5.10, 6.1, 6.6 and 6.12 (before, after each fix, after both).

// Added code is printed within 80 columns: the !CONFIG_SWAP swapcache_clear()
// stub, one line of 83 in mainline, is wrapped after its first parameter, as
// checkpatch of 4.19 and 5.4 (80-column limit) wants; every other added line
// is shorter anyway.
#spatch --max-width 80

virtual patch
virtual revert
virtual report

@initialize:python@
@@
import os
import re

# Files are addressed relative to the tree root; the root is whatever
# precedes the kernel-layout suffix of the file spatch is working on.
def root_of(f):
	for suffix in ("mm/memory.c", "mm/swapfile.c", "mm/swap.h",
		       "include/linux/swap.h"):
		if f == suffix or f.endswith("/" + suffix):
			return f[:len(f) - len(suffix)]
	return None

def relname(f):
	root = root_of(f)
	return f if root is None else f[len(root):]

# The header that holds the mm-internal swap declarations: mm/swap.h from
# 5.19 on, include/linux/swap.h before.
def decl_header(f):
	if f.endswith("mm/swap.h"):
		return True
	root = root_of(f)
	if root is None or not f.endswith("include/linux/swap.h"):
		return False
	return not os.path.exists(root + "mm/swap.h")

# Patch mode touches swapfile.c and the headers only in trees whose
# do_swap_page() has the skip-swapcache branch (4.15+).
SKIP_RE = re.compile(r"SWP_SYNCHRONOUS_IO\)?\s*&&\s*__swap_count\(")

def has_skip_path(f):
	root = root_of(f)
	if root is None:
		return False
	try:
		with open(root + "mm/memory.c") as fp:
			return SKIP_RE.search(fp.read()) is not None
	except OSError:
		return False

# Patch mode ends the pin with a blank line, unless the branch already opens
# with one (a tree where an upstream-shaped backport was reverted: spatch
# keeps the blank line that followed the removed, commented code).  The
# position is on __swap_count(), whose line ends with the branch's "{".
def blank_after(p):
	try:
		with open(p[0].file) as fp:
			lines = fp.read().split("\n")
	except OSError:
		return False
	n = int(p[0].line)
	return n < len(lines) and lines[n].strip() == ""

# Report mode: collect, decide across files, print once at the end.
findings = []
facts = {}

def note(p, kind, what):
	findings.append((relname(p[0].file), int(p[0].line), kind, what))

// ---------------------------------------------------------------------
// mm/memory.c: find the skip-swapcache branch and whether it is pinned
// ---------------------------------------------------------------------

@skip disable commeq, bitand_comm, not_int2 exists@
identifier SI;
expression ENT;
position p;
statement S1, S2;
@@
do_swap_page(...)
{
  ... when any
  if@p (\(SI->flags & SWP_SYNCHRONOUS_IO\|data_race(SI->flags & SWP_SYNCHRONOUS_IO)\) &&
        \(__swap_count(SI, ENT)\|__swap_count(ENT)\) == 1)
    S1 else S2
  ... when any
}

@pinned disable commeq, bitand_comm, not_int2 exists@
position p;
expression list ES;
@@
do_swap_page(...)
{
  <+... swapcache_prepare@p(ES) ...+>
}

// ---------------------------------------------------------------------
// patch: mm/memory.c
// ---------------------------------------------------------------------

@dacct depends on patch && skip && !pinned disable commeq, bitand_comm, not_int2 exists@
expression list DA;
@@
do_swap_page(...)
{
  ... when any
  delayacct_clear_flag(DA);
  ... when any
}

@blank depends on patch && skip && !pinned disable commeq, bitand_comm, not_int2 exists@
identifier skip.SI;
expression skip.ENT;
position p : script:python() { blank_after(p) };
statement S1, S2;
@@
do_swap_page(...)
{
  ... when any
  if (\(SI->flags & SWP_SYNCHRONOUS_IO\|data_race(SI->flags & SWP_SYNCHRONOUS_IO)\) &&
      \(__swap_count@p(SI, ENT)\|__swap_count@p(ENT)\) == 1)
    S1 else S2
  ... when any
}

@pin_dacct depends on patch && skip && !pinned && dacct && !blank disable commeq, bitand_comm, not_int2 exists@
identifier skip.SI;
expression skip.ENT;
expression list dacct.DA;
statement S2;
symbol need_clear_cache, out;
@@
do_swap_page(...)
{
  ... when any
  if (\(SI->flags & SWP_SYNCHRONOUS_IO\|data_race(SI->flags & SWP_SYNCHRONOUS_IO)\) &&
      \(__swap_count(SI, ENT)\|__swap_count(ENT)\) == 1) {
+	if (swapcache_prepare(ENT)) {
+		schedule_timeout_uninterruptible(1);
+		delayacct_clear_flag(DA);
+		goto out;
+	}
+	need_clear_cache = true;
+
	...
  } else S2
  ... when any
}

@pin_plain depends on patch && skip && !pinned && !dacct && !blank disable commeq, bitand_comm, not_int2 exists@
identifier skip.SI;
expression skip.ENT;
statement S2;
symbol need_clear_cache, out;
@@
do_swap_page(...)
{
  ... when any
  if (\(SI->flags & SWP_SYNCHRONOUS_IO\|data_race(SI->flags & SWP_SYNCHRONOUS_IO)\) &&
      \(__swap_count(SI, ENT)\|__swap_count(ENT)\) == 1) {
+	if (swapcache_prepare(ENT)) {
+		schedule_timeout_uninterruptible(1);
+		goto out;
+	}
+	need_clear_cache = true;
+
	...
  } else S2
  ... when any
}

// The same, for a branch that already opens with a blank line.
@pin_dacct_nb depends on patch && skip && !pinned && dacct && blank disable commeq, bitand_comm, not_int2 exists@
identifier skip.SI;
expression skip.ENT;
expression list dacct.DA;
statement S2;
symbol need_clear_cache, out;
@@
do_swap_page(...)
{
  ... when any
  if (\(SI->flags & SWP_SYNCHRONOUS_IO\|data_race(SI->flags & SWP_SYNCHRONOUS_IO)\) &&
      \(__swap_count(SI, ENT)\|__swap_count(ENT)\) == 1) {
+	if (swapcache_prepare(ENT)) {
+		schedule_timeout_uninterruptible(1);
+		delayacct_clear_flag(DA);
+		goto out;
+	}
+	need_clear_cache = true;
	...
  } else S2
  ... when any
}

@pin_plain_nb depends on patch && skip && !pinned && !dacct && blank disable commeq, bitand_comm, not_int2 exists@
identifier skip.SI;
expression skip.ENT;
statement S2;
symbol need_clear_cache, out;
@@
do_swap_page(...)
{
  ... when any
  if (\(SI->flags & SWP_SYNCHRONOUS_IO\|data_race(SI->flags & SWP_SYNCHRONOUS_IO)\) &&
      \(__swap_count(SI, ENT)\|__swap_count(ENT)\) == 1) {
+	if (swapcache_prepare(ENT)) {
+		schedule_timeout_uninterruptible(1);
+		goto out;
+	}
+	need_clear_cache = true;
	...
  } else S2
  ... when any
}

// Drop the pin on the normal exit, after the pte lock is released ...
@clear_out depends on patch && (pin_dacct || pin_plain || pin_dacct_nb || pin_plain_nb) disable commeq, bitand_comm, not_int2 exists@
identifier skip.SI;
expression skip.ENT;
identifier l = out;
statement S;
symbol need_clear_cache;
@@
do_swap_page(...)
{
  ... when any
l:
+	if (need_clear_cache)
+		swapcache_clear(SI, ENT);
  S
  ... when any
}

// ... and at the end of the error exit: before the device reference is put
// (5.15+), else before the return.
@clear_release_put depends on patch && (pin_dacct || pin_plain || pin_dacct_nb || pin_plain_nb) disable commeq, bitand_comm, not_int2 exists@
identifier skip.SI;
expression skip.ENT;
identifier l = out_release;
statement S;
symbol need_clear_cache;
@@
do_swap_page(...)
{
  ... when any
l:
  S
  ...
+	if (need_clear_cache)
+		swapcache_clear(SI, ENT);
  if (SI)
	put_swap_device(SI);
  ...
}

@clear_release_ret depends on patch && (pin_dacct || pin_plain || pin_dacct_nb || pin_plain_nb) && !clear_release_put disable commeq, bitand_comm, not_int2 exists@
identifier skip.SI;
expression skip.ENT;
identifier l = out_release;
statement S;
symbol need_clear_cache;
@@
do_swap_page(...)
{
  ... when any
l:
  S
  ...
+	if (need_clear_cache)
+		swapcache_clear(SI, ENT);
  return ...;
}

// Declarations: the mainline place is after rmap_flags (6.1+) ...
@decl_rmap depends on patch && (pin_dacct || pin_plain || pin_dacct_nb || pin_plain_nb) disable commeq, bitand_comm, not_int2 exists@
symbol rmap_flags, need_clear_cache, false;
@@
do_swap_page(...)
{
  ... when any
  rmap_t rmap_flags = RMAP_NONE;
+	bool need_clear_cache = false;
  ... when any
}

// ... else next to the function-scope swap_info (5.15) ...
@decl_si depends on patch && (pin_dacct || pin_plain || pin_dacct_nb || pin_plain_nb) && !decl_rmap disable commeq, bitand_comm, not_int2 exists@
identifier skip.SI;
symbol need_clear_cache, false;
@@
do_swap_page(...)
{
  ... when any
  struct swap_info_struct *SI = NULL;
+	bool need_clear_cache = false;
  ... when any
}

// ... else (4.19, 5.4, 5.10) hoist the branch-local swap_info to function
// scope, so that both exits can hand it to swapcache_clear().
@hoist_local depends on patch && (pin_dacct || pin_plain || pin_dacct_nb || pin_plain_nb) && !decl_rmap && !decl_si disable commeq, bitand_comm, not_int2 exists@
identifier skip.SI;
expression E;
statement S1, S2;
@@
do_swap_page(...)
{
  ... when any
- struct swap_info_struct *SI = E;
  if (<+... SWP_SYNCHRONOUS_IO ...+>) S1 else S2
  ... when any
}

@hoist_assign depends on hoist_local disable commeq, bitand_comm, not_int2 exists@
identifier skip.SI;
expression hoist_local.E;
statement S1, S2;
@@
do_swap_page(...)
{
  ... when any
+	SI = E;
+
  if (<+... SWP_SYNCHRONOUS_IO ...+>) S1 else S2
  ... when any
}

@hoist_decl depends on hoist_local disable commeq, bitand_comm, not_int2 exists@
identifier skip.SI;
typedef swp_entry_t;
symbol entry, need_clear_cache;
@@
do_swap_page(...)
{
  ... when any
+	struct swap_info_struct *SI = NULL;
+	bool need_clear_cache = false;
  swp_entry_t entry;
  ... when any
}

// ---------------------------------------------------------------------
// patch: mm/swapfile.c
// ---------------------------------------------------------------------

@has_clear_def disable commeq, bitand_comm, not_int2@
position p;
@@
void swapcache_clear@p(...) { ... }

@has_lock_helper disable commeq, bitand_comm, not_int2@
type T;
@@
T lock_cluster_or_swap_info(...) { ... }

@has_free_helper disable commeq, bitand_comm, not_int2@
type T;
@@
T __swap_entry_free_locked(...) { ... }

@add_clear_def depends on patch && !has_clear_def && has_lock_helper && has_free_helper disable commeq, bitand_comm, not_int2@
position p : script:python() { p[0].file.endswith("mm/swapfile.c") and has_skip_path(p[0].file) };
identifier e;
typedef swp_entry_t;
@@
 int swapcache_prepare@p(swp_entry_t e)
 {
 ...
 }
+void swapcache_clear(struct swap_info_struct *si, swp_entry_t entry)
+{
+	struct swap_cluster_info *ci;
+	unsigned long offset = swp_offset(entry);
+	unsigned char usage;
+
+	ci = lock_cluster_or_swap_info(si, offset);
+	usage = __swap_entry_free_locked(si, offset, SWAP_HAS_CACHE);
+	unlock_cluster_or_swap_info(si, ci);
+	if (!usage)
+		free_swap_slot(entry);
+}

// ---------------------------------------------------------------------
// patch: headers
// ---------------------------------------------------------------------

@has_clear_proto disable commeq, bitand_comm, not_int2@
type T;
position p;
@@
T swapcache_clear@p(...);

@has_clear_stub disable commeq, bitand_comm, not_int2@
position p;
@@
static inline void swapcache_clear@p(...) { ... }

@has_prepare_macro disable commeq, bitand_comm, not_int2@
identifier x;
expression E;
@@
#define swapcache_prepare(x) E

@has_prepare_stub disable commeq, bitand_comm, not_int2@
position p;
@@
static inline int swapcache_prepare@p(...) { ... }

// mm/swap.h (5.19+): next to swap_cache_get_folio()/lookup_swap_cache(),
// where mainline has it.
@add_proto_mm depends on patch && !has_clear_proto disable commeq, bitand_comm, not_int2@
position p : script:python() { p[0].file.endswith("mm/swap.h") and has_skip_path(p[0].file) };
type T;
@@
+void swapcache_clear(struct swap_info_struct *si, swp_entry_t entry);
 T \(swap_cache_get_folio@p\|lookup_swap_cache@p\)(...);

@add_stub_mm depends on patch && !has_clear_stub disable commeq, bitand_comm, not_int2@
position p : script:python() { p[0].file.endswith("mm/swap.h") and has_skip_path(p[0].file) };
type T;
@@
+static inline void swapcache_clear(struct swap_info_struct *si, swp_entry_t entry)
+{
+}
+
 static inline T \(swap_cache_get_folio@p\|lookup_swap_cache@p\)(...) { ... }

// include/linux/swap.h of a tree without mm/swap.h: in the swapfile.c part,
// right after swapcache_prepare(), i.e. before swap_free() (spatch cannot add
// after a matched prototype, only before one).
@add_proto_linux depends on patch && !has_clear_proto disable commeq, bitand_comm, not_int2@
position p : script:python() { p[0].file.endswith("include/linux/swap.h") and decl_header(p[0].file) and has_skip_path(p[0].file) };
type T;
typedef swp_entry_t;
@@
+void swapcache_clear(struct swap_info_struct *si, swp_entry_t entry);
 T swap_free@p(...);

// The !CONFIG_SWAP side of include/linux/swap.h: swapcache_prepare() gets a
// stub after swap_duplicate()'s where the tree has none (5.15 to 6.7; up to
// 5.10 a macro stands in for it), swapcache_clear() one before swap_free()'s
// where this is the declaration header (up to 5.18).
@add_stub_prepare depends on patch && !has_prepare_macro && !has_prepare_stub disable commeq, bitand_comm, not_int2@
position p : script:python() { p[0].file.endswith("include/linux/swap.h") and has_skip_path(p[0].file) };
identifier x;
typedef swp_entry_t;
@@
 static inline int swap_duplicate@p(swp_entry_t x)
 {
 ...
 }
+
+static inline int swapcache_prepare(swp_entry_t swp)
+{
+	return 0;
+}

@add_stub_clear depends on patch && !has_clear_stub disable commeq, bitand_comm, not_int2@
position p : script:python() { p[0].file.endswith("include/linux/swap.h") and decl_header(p[0].file) and has_skip_path(p[0].file) };
identifier x;
typedef swp_entry_t;
@@
+static inline void swapcache_clear(struct swap_info_struct *si, swp_entry_t entry)
+{
+}
+
 static inline void swap_free@p(swp_entry_t x)
 {
 ...
 }

// ---------------------------------------------------------------------
// revert
// ---------------------------------------------------------------------

@rv_pin depends on revert disable commeq, bitand_comm, not_int2@
expression list ES;
statement S;
symbol need_clear_cache, true;
@@
do_swap_page(...)
{
  <...
- if (swapcache_prepare(ES)) S
- need_clear_cache = true;
  ...>
}

// The comment after "out:" goes with the if only when the label is taken
// out and put back (spatch keeps comments that follow a kept label).
@rv_clear_out depends on revert disable commeq, bitand_comm, not_int2 exists@
identifier l = out;
statement S;
symbol need_clear_cache;
@@
do_swap_page(...)
{
  ... when any
- l:
+ l:
- if (need_clear_cache) S
  ... when any
}

@rv_clear depends on revert disable commeq, bitand_comm, not_int2@
statement S;
symbol need_clear_cache;
@@
do_swap_page(...)
{
  <...
- if (need_clear_cache) S
  ...>
}

@rv_decl depends on revert disable commeq, bitand_comm, not_int2@
symbol need_clear_cache, false;
@@
do_swap_page(...)
{
  ...
- bool need_clear_cache = false;
  ...
}

// Undo the hoist (4.19, 5.4, 5.10): the assignment right before the skip
// branch becomes the block-local declaration again.
@rv_hoist depends on revert disable commeq, bitand_comm, not_int2 exists@
identifier SI;
expression ENT;
statement S1, S2;
@@
do_swap_page(...)
{
  ... when any
- SI = swp_swap_info(ENT);
  if (<+... SWP_SYNCHRONOUS_IO ...+>) S1 else S2
  ... when any
}

@rv_hoist_local depends on rv_hoist disable commeq, bitand_comm, not_int2 exists@
identifier rv_hoist.SI;
expression rv_hoist.ENT;
statement S1, S2;
@@
do_swap_page(...)
{
  ... when any
+	struct swap_info_struct *SI = swp_swap_info(ENT);
+
  if (<+... SWP_SYNCHRONOUS_IO ...+>) S1 else S2
  ... when any
}

@rv_hoist_decl depends on rv_hoist disable commeq, bitand_comm, not_int2@
identifier rv_hoist.SI;
@@
do_swap_page(...)
{
  ...
- struct swap_info_struct *SI = NULL;
  ...
}

@rv_clear_def depends on revert disable commeq, bitand_comm, not_int2@
@@
- void swapcache_clear(...) { ... }

@rv_clear_proto depends on revert disable commeq, bitand_comm, not_int2@
type T;
position p;
@@
- T swapcache_clear@p(...);

@rv_clear_stub depends on revert disable commeq, bitand_comm, not_int2@
@@
- static inline void swapcache_clear(...) { ... }

@rv_prepare_stub depends on revert disable commeq, bitand_comm, not_int2@
position p : script:python() { p[0].file.endswith("include/linux/swap.h") };
identifier x;
typedef swp_entry_t;
@@
- static inline int swapcache_prepare@p(swp_entry_t x)
- {
- 	return 0;
- }

// ---------------------------------------------------------------------
// report
// ---------------------------------------------------------------------

@script:python depends on report && skip@
p << skip.p;
@@
facts["skip"] = p

@script:python depends on report && skip && pinned@
p << pinned.p;
@@
facts["pin"] = p

@rp_exit depends on report && skip disable commeq, bitand_comm, not_int2 exists@
identifier l = {out, out_release};
position p;
statement S;
@@
do_swap_page(...)
{
  ... when any
l@p:
  S
  ... when any
}

@script:python@
l << rp_exit.l;
p << rp_exit.p;
@@
facts.setdefault("exits", {})[str(l)] = p

@rp_exit_clear depends on report && skip disable commeq, bitand_comm, not_int2 exists@
identifier l = {out, out_release};
position p;
expression list ES;
@@
do_swap_page(...)
{
  ... when any
l:
  ... when != return ...;
  swapcache_clear@p(ES);
  ... when any
}

@script:python@
l << rp_exit_clear.l;
p << rp_exit_clear.p;
@@
facts.setdefault("clears", {})[str(l)] = p

@rp_prepare_def depends on report disable commeq, bitand_comm, not_int2@
position p : script:python() { p[0].file.endswith("mm/swapfile.c") };
@@
int swapcache_prepare@p(...) { ... }

@rp_clear_def depends on report disable commeq, bitand_comm, not_int2@
position p : script:python() { p[0].file.endswith("mm/swapfile.c") };
@@
void swapcache_clear@p(...) { ... }

@script:python depends on report && rp_prepare_def@
p << rp_prepare_def.p;
@@
facts["prepare_def"] = p

@script:python depends on report && rp_clear_def@
p << rp_clear_def.p;
@@
facts["clear_def"] = p

@finalize:python depends on report@
@@
if "skip" in facts:
	if "pin" in facts:
		note(facts["pin"], "fixed", "do_swap_page() pins the swap entry with swapcache_prepare() before skipping the swapcache")
		clears = facts.get("clears", {})
		for label, p in sorted(facts.get("exits", {}).items()):
			if label in clears:
				note(clears[label], "fixed", "do_swap_page() drops the pin with swapcache_clear() on the %s exit" % label)
			else:
				note(p, "missing", "do_swap_page() keeps the swapcache_prepare() pin on the %s exit (no swapcache_clear)" % label)
	else:
		note(facts["skip"], "missing", "do_swap_page() skips the swapcache without pinning the swap entry (swapcache_prepare)")
	if "clear_def" in facts:
		note(facts["clear_def"], "fixed", "swapcache_clear() is defined")
	elif "prepare_def" in facts:
		note(facts["prepare_def"], "missing", "swapcache_clear() is not defined (next to swapcache_prepare())")
	for f, line, kind, what in sorted(set(findings)):
		print("%s:%d: %s: %s" % (f, line, kind, what))
