// SPDX-License-Identifier: GPL-2.0-only
/// Backport of 01626a182302 "mm: avoid unconditional one-tick sleep when
/// swapcache_prepare fails" (Fixes: 13ddaf26be32, fixed in v6.12).
///
/// 13ddaf26be32 makes a fault that loses the swapcache_prepare() race in
/// do_swap_page() sleep a full tick before it retries.  This fix puts the
/// sleeper on a wait queue (swapcache_wq, one per mm/memory.c) for that tick,
/// and has the winner wake the queue, if anybody waits on it, right after it
/// drops its pin with swapcache_clear() on either exit.
///
/// Trees: every tree that has 13ddaf26be32 or gets it from this series,
/// 4.19 up to 6.11.  Mainline applies it on top of the large-folio swapin
/// (swapcache_prepare()/swapcache_clear() with an nr argument, the pin after
/// the allocation, "goto out_page"); the stable trees have the single-entry
/// form of 13ddaf26be32.  The rule does not depend on either: it wraps the
/// one-tick sleep wherever the swapcache_prepare() failure branch has it,
/// and follows every `if (need_clear_cache) swapcache_clear(...)` with the
/// wake-up, whatever the arguments.  Only mm/memory.c changes.
///
/// Modes:
///  -D patch   apply (needs 13ddaf26be32 in the tree: apply that rule first);
///             trees that already have the fix are left alone.
///  -D revert  take the fix out again; gives back the tree as 13ddaf26be32
///             left it.
///  -D report  one line per finding on stdout,
///             "<file>:<line>: fixed: <what>" or "<file>:<line>: missing: <what>",
///             file relative to the tree root.  A tree with the skip-swapcache
///             path but without 13ddaf26be32 reports one "missing" line; a
///             tree without the skip-swapcache path reports nothing.
///
///   spatch --sp-file cocci/fixes/01626a182302.cocci -D patch --very-quiet \
///          --no-includes --include-headers --in-place --timeout 120 --dir TREE
//
// Confidence: High
// Copyright: the ltsport authors.
// Comments: the wait queue entry goes after the folio locals, as in
//  mainline (page trees: after the vma local).  No comment is added: the
//  upstream patch has none (checkpatch asks for one at the unlocked
//  waitqueue_active() test, and mainline goes without).
// Options: --no-includes --include-headers
// Isomorphisms: every rule disables commeq (E == C also as C == E),
//  bitand_comm (X & Y also as Y & X) and not_int2 (X also as X != 0):
//  kernel code writes these conditions one way in every era, and
//  expanding them was most of spatch's time (on 6.1's files:
//  patch 4.0 s, 2.1 s without).
//  The output is the same without them on every era fixture and on
//  4.19, 5.10, 6.1, 6.6 and 6.12 (before, after each fix, after both).

// Mainline's remove_wait_queue() line in the 6.12 skip branch is exactly
// 80 columns; spatch would wrap it at its default width.
#spatch --max-width 100

virtual patch
virtual revert
virtual report

@initialize:python@
@@
def relname(f):
	for suffix in ("mm/memory.c", "mm/swapfile.c", "mm/swap.h",
		       "include/linux/swap.h"):
		if f == suffix or f.endswith("/" + suffix):
			return suffix
	return f

facts = {}
findings = []

def note(p, kind, what):
	findings.append((relname(p[0].file), int(p[0].line), kind, what))

// ---------------------------------------------------------------------
// What the tree has
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

@waits disable commeq, bitand_comm, not_int2 exists@
expression E;
symbol swapcache_wq;
@@
do_swap_page(...)
{
  <+... add_wait_queue(&swapcache_wq, E) ...+>
}

// ---------------------------------------------------------------------
// patch
// ---------------------------------------------------------------------

@sleep depends on patch && pinned && !waits disable commeq, bitand_comm, not_int2 exists@
expression list ES;
symbol swapcache_wq, wait;
@@
do_swap_page(...)
{
  ... when any
  if (swapcache_prepare(ES)) {
    ...
+	add_wait_queue(&swapcache_wq, &wait);
    schedule_timeout_uninterruptible(1);
+	remove_wait_queue(&swapcache_wq, &wait);
    ...
  }
  ... when any
}

@wq_head depends on sleep disable commeq, bitand_comm, not_int2@
typedef vm_fault_t;
declarer name DECLARE_WAIT_QUEUE_HEAD;
symbol swapcache_wq;
@@
+static DECLARE_WAIT_QUEUE_HEAD(swapcache_wq);
+
 vm_fault_t do_swap_page(...) { ... }

// The wait queue entry goes where mainline has it: after the folio locals
// in folio trees (6.1 on), whose declarations open with
//	struct vm_area_struct *vma = vmf->vma;
//	struct folio *swapcache, *folio = NULL;
//	struct page *page;
// (the pattern names one declarator of the folio line; spatch matches it
// inside the two-declarator line and adds before the page local) ...
@wq_entry_folio depends on sleep disable commeq, bitand_comm, not_int2@
declarer name DECLARE_WAITQUEUE;
symbol vma, vmf, folio, page, wait, current;
@@
do_swap_page(...)
{
  struct vm_area_struct *vma = vmf->vma;
  struct folio *folio = NULL;
+	DECLARE_WAITQUEUE(wait, current);
  struct page *page;
  ...
}

// ... else (page trees, 4.19 to 5.15) right after the vma local ...
@wq_entry depends on sleep && !wq_entry_folio disable commeq, bitand_comm, not_int2@
declarer name DECLARE_WAITQUEUE;
symbol vma, vmf, wait, current;
@@
do_swap_page(...)
{
  struct vm_area_struct *vma = vmf->vma;
+	DECLARE_WAITQUEUE(wait, current);
  ...
}

// ... else before the entry local.
@wq_entry_fallback depends on sleep && !wq_entry_folio && !wq_entry disable commeq, bitand_comm, not_int2@
declarer name DECLARE_WAITQUEUE;
typedef swp_entry_t;
symbol entry, wait, current;
@@
do_swap_page(...)
{
  ...
+	DECLARE_WAITQUEUE(wait, current);
  swp_entry_t entry;
  ...
}

@wake depends on sleep disable commeq, bitand_comm, not_int2@
expression list ES;
symbol need_clear_cache, swapcache_wq;
@@
do_swap_page(...)
{
  <...
  if (need_clear_cache)
-	swapcache_clear(ES);
+	{
+	swapcache_clear(ES);
+	if (waitqueue_active(&swapcache_wq))
+		wake_up(&swapcache_wq);
+	}
  ...>
}

// ---------------------------------------------------------------------
// revert
// ---------------------------------------------------------------------

@rv_head depends on revert disable commeq, bitand_comm, not_int2@
declarer name DECLARE_WAIT_QUEUE_HEAD;
symbol swapcache_wq;
@@
-static DECLARE_WAIT_QUEUE_HEAD(swapcache_wq);

@rv_entry depends on revert disable commeq, bitand_comm, not_int2@
declarer name DECLARE_WAITQUEUE;
symbol wait, current;
@@
do_swap_page(...)
{
  ...
- DECLARE_WAITQUEUE(wait, current);
  ...
}

@rv_sleep depends on revert disable commeq, bitand_comm, not_int2@
expression E;
symbol swapcache_wq;
@@
do_swap_page(...)
{
  <...
(
- add_wait_queue(&swapcache_wq, E);
|
- remove_wait_queue(&swapcache_wq, E);
)
  ...>
}

// Taking the whole if out and putting the brace-less one back keeps the
// layout; removing only the braces does not.
@rv_wake depends on revert disable commeq, bitand_comm, not_int2@
expression list ES;
symbol need_clear_cache, swapcache_wq;
@@
do_swap_page(...)
{
  <...
- if (need_clear_cache) {
-	swapcache_clear(ES);
-	if (waitqueue_active(&swapcache_wq))
-		wake_up(&swapcache_wq);
- }
+ if (need_clear_cache)
+	swapcache_clear(ES);
  ...>
}

// ---------------------------------------------------------------------
// report
// ---------------------------------------------------------------------

@rp_waits depends on report disable commeq, bitand_comm, not_int2 exists@
expression list ES;
expression E;
position p;
symbol swapcache_wq;
@@
do_swap_page(...)
{
  ... when any
  if (swapcache_prepare(ES)) {
    ...
    add_wait_queue@p(&swapcache_wq, E);
    ...
  }
  ... when any
}

@rp_sleeps depends on report disable commeq, bitand_comm, not_int2 exists@
expression list ES;
position p;
@@
do_swap_page(...)
{
  ... when any
  if (swapcache_prepare(ES)) {
    ...
    schedule_timeout_uninterruptible@p(...);
    ...
  }
  ... when any
}

@rp_clear depends on report disable commeq, bitand_comm, not_int2 exists@
expression list ES;
position p;
symbol need_clear_cache;
@@
do_swap_page(...)
{
  ... when any
  if (need_clear_cache)
  \(swapcache_clear@p(ES);\|{ ... swapcache_clear@p(ES); ... }\)
  ... when any
}

@rp_wake depends on report disable commeq, bitand_comm, not_int2 exists@
expression list ES;
position pc, pw;
symbol swapcache_wq;
@@
do_swap_page(...)
{
  ... when any
  swapcache_clear@pc(ES);
  if (waitqueue_active(&swapcache_wq))
	wake_up@pw(&swapcache_wq);
  ... when any
}

@script:python depends on report && skip@
p << skip.p;
@@
facts["skip"] = p

@script:python depends on report && pinned@
p << pinned.p;
@@
facts["pin"] = p

@script:python depends on report@
p << rp_waits.p;
@@
facts["wait"] = p

@script:python depends on report@
p << rp_sleeps.p;
@@
facts["sleep"] = p

@script:python depends on report@
p << rp_clear.p;
@@
facts.setdefault("clears", {})[(p[0].file, p[0].line)] = p

@script:python depends on report@
pc << rp_wake.pc;
pw << rp_wake.pw;
@@
facts.setdefault("wakes", {})[(pc[0].file, pc[0].line)] = pw

@finalize:python depends on report@
@@
if "skip" in facts:
	if "pin" not in facts:
		note(facts["skip"], "missing", "do_swap_page() has no swapcache_prepare() pin to wait for (apply 13ddaf26be32 first)")
	else:
		if "wait" in facts:
			note(facts["wait"], "fixed", "do_swap_page() waits on swapcache_wq when swapcache_prepare() fails")
		elif "sleep" in facts:
			note(facts["sleep"], "missing", "do_swap_page() sleeps a whole tick when swapcache_prepare() fails (no swapcache_wq)")
		wakes = facts.get("wakes", {})
		for key, p in sorted(facts.get("clears", {}).items()):
			if key in wakes:
				note(wakes[key], "fixed", "do_swap_page() wakes swapcache_wq after swapcache_clear()")
			else:
				note(p, "missing", "do_swap_page() does not wake swapcache_wq after swapcache_clear()")
	for f, line, kind, what in sorted(set(findings)):
		print("%s:%d: %s: %s" % (f, line, kind, what))
