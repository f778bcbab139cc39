// SPDX-License-Identifier: GPL-2.0-only
/// API bridge (report only): the page-table unlock on the `unlock:' exit of
/// do_swap_page() (mm/memory.c).
///
///   pte_unmap_unlock(vmf->pte, vmf->ptl)                  4.15 .. 6.4
///                         (4.19, 5.4, 5.10, 5.15, 6.1): the pte is always
///                         mapped when the function gets there
///   if (vmf->pte) pte_unmap_unlock(vmf->pte, vmf->ptl)    6.5 on (6.6, 6.8,
///                         6.12): pte_offset_map_lock() may fail since the
///                         6.5 page-table rework, leaving vmf->pte NULL
///
/// The fix rules put their code after this statement (on the `out' label
/// that follows it) and so do not care which form it is; code that goes
/// before it, or that unlocks on its own, must follow the tree's form.
/// 4.14, which has no skip-swapcache path, has the unguarded form too.
///
/// Modes:
///  -D report  "<file>:<line>: unlock: <statement as the tree writes it>",
///             e.g. "mm/memory.c:118: unlock: if (vmf->pte)
///             pte_unmap_unlock(vmf->pte, vmf->ptl)" (one line), file
///             relative to the tree root.
///
///   spatch --sp-file cocci/api/pte_unlock_guard.cocci -D report --very-quiet \
///          --no-includes --include-headers --timeout 120 --dir TREE
//
// Confidence: High
// Copyright: the ltsport authors.
// Comments: no patch mode: dropping the guard in a 6.5+ tree would be a
//  bug, and adding it to an older one buys nothing.
// Options: --no-includes --include-headers

virtual report

@initialize:python@
@@
import os
import re

def relname(f):
	d = os.path.dirname(f)
	while True:
		if os.path.isfile(os.path.join(d, "mm", "memory.c")):
			return os.path.relpath(f, d)
		up = os.path.dirname(d)
		if up == d or d == "":
			return f
		d = up

def tidy(s):
	s = re.sub(r"\s*(->|\.)\s*", r"\1", str(s))
	s = re.sub(r"\s+([,)\]])", r"\1", s)
	return re.sub(r"([(\[])\s+", r"\1", s)

findings = []

@guarded depends on report exists@
identifier l = unlock;
expression G;
expression list ES;
position p;
@@
do_swap_page(...)
{
  ... when any
l:
  if@p (G)
    pte_unmap_unlock(ES);
  ... when any
}

@plain depends on report exists@
identifier l = unlock;
expression list ES;
position p;
@@
do_swap_page(...)
{
  ... when any
l:
  pte_unmap_unlock@p(ES);
  ... when any
}

@script:python@
g << guarded.G;
es << guarded.ES;
p << guarded.p;
@@
findings.append((relname(p[0].file), int(p[0].line),
		 "if (%s) pte_unmap_unlock(%s)" % (tidy(g), tidy(es))))

@script:python@
es << plain.ES;
p << plain.p;
@@
findings.append((relname(p[0].file), int(p[0].line),
		 "pte_unmap_unlock(%s)" % tidy(es)))

@finalize:python depends on report@
@@
for f, line, form in sorted(set(findings)):
	print("%s:%d: unlock: %s" % (f, line, form))
