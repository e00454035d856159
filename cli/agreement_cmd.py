"""``saywho agreement PROJECT``: inter-annotator agreement as a table or JSON.

Usage::

    saywho agreement news.saywho [--annotators A,B] [--labels L1,L2]
                                 [--min-overlap 0.5] [--matching hungarian|greedy] [--json]

The readable table (without ``--json``) fits in 100 columns: per pair, then for all
annotators, a span table (spans of the reference/other, then P, R and F1 with exact,
any-overlap and minimum-ratio matching), a table of kappa, alpha and alpha_u per label
and overall, the relation table and the attribute table.

Only documents an annotator marked *done* count: a pair of annotators is
compared on the documents both marked done, "all" on the documents every
compared annotator marked done. Without ``--annotators`` every annotator but
the curator's gold layer is compared. Exit codes: 0 done; 1 fewer than two
annotators have done documents in common (or the project cannot be opened);
2 usage (unknown annotator or label, bad ratio).

JSON layout (``--json``; keys are stable, a measure that is undefined, e.g.
kappa when every token is "O" for everyone, is ``null``)::

    {
      "format": "saywho-agreement/1",
      "project": "news.saywho",
      "annotators": ["alice", "bob", "carol"],     # those sharing done documents
      "left_out": ["dave"],                        # selected, but sharing none
      "labels": ["Actor", "Quote", ...],
      "options": {"min_overlap": 0.5, "matching": "hungarian",
                  "tokenizer": "text.tokenize"},
      "pairs": [                                   # every pair with done documents in common
        {
          "reference": "alice", "other": "bob",    # reference: the earlier annotator
          "documents": 12, "tokens": 8410,
          "labels": {
            "Quote": {
              "exact":       COUNTS,               # same label, same fragments
              "overlap":     COUNTS,               # same label, any shared character
              "min_overlap": COUNTS,               # same label, overlap/union >= min_overlap
              "cohen_kappa": 0.81,                 # tokens inside the label vs not
              "alpha": 0.81,                       # Krippendorff's alpha, nominal, same tokens
              "alpha_u": 0.77                      # unitizing alpha on characters
            }, ...
          },
          "overall": {same keys: counts summed over labels, kappa and alpha on the
                      combined token code (the set of labels covering a token),
                      alpha_u pooled over labels},
          "relations": {
            "speaker": {
              "sources": 9,          # matched source span pairs with a target on either side
              "agree": 8, "observed": 0.89,        # ...whose targets are matched spans
              "targets": COUNTS,                   # target links as matched/reference/other
              "actor_agree": 9, "actor_observed": 1.0,  # same registry actor counts too
              "actor_targets": COUNTS              # (the three actor_* are null for types
            }, ...                                 #  whose targets are not entity-linked)
          },
          "attributes": {
            "Quote": {"form": {"pairs": 20, "agree": 18, "observed": 0.9,
                               "cohen_kappa": 0.78}, ...}, ...
          }
        }, ...
      ],
      "all": null | {                              # null: no document done by all
        "annotators": ["alice", "bob", "carol"], "documents": 5, "tokens": 3100,
        "labels": {... as in a pair, with "fleiss_kappa" instead of "cohen_kappa";
                   COUNTS pooled over all pairs of annotators ...},
        "overall": {...}, "relations": {... pooled over pairs ...},
        "attributes": {... observed pooled over pairs, "mean_cohen_kappa": mean of the
                       pairwise kappas ...}
      }                                            # with only two annotators compared,
    }                                              # "all" is their pair again, same keys;
                                                   # every block has "annotators"

    COUNTS = {"matched": 7, "reference": 9, "other": 8,
              "precision": 0.875, "recall": 0.778, "f1": 0.824}
"""

from __future__ import annotations

import argparse
import json
import textwrap
from collections.abc import Iterator
from typing import Any

from agreement.report import (
    AgreementOptions,
    AgreementReport,
    GroupResult,
    compute_agreement,
    resolve_options,
)
from agreement.spans import MATCHING_METHODS
from cli import EXIT_OK, UsageError
from cli.common import add_project_command
from storage.errors import ValidationError
from storage.project import Project

MISSING = "-"
WIDTH = 100  # the readable table fits this many columns
NUMBER = 6  # the width of a P, R or F1 column
NO_BREAK = "\N{NO-BREAK SPACE}"


def register(subparsers: Any) -> None:
    parser = add_project_command(
        subparsers, "agreement", help="inter-annotator agreement (P/R/F1, kappa, alpha, alpha_u)",
        description="Inter-annotator agreement on the documents the annotators marked done: "
                    "span precision, recall and F1 (exact and overlap matching), Cohen's / "
                    "Fleiss' kappa and "
                    "Krippendorff's alpha on tokens, unitizing alpha on characters, "
                    "relation and attribute agreement on matched spans.",
        handler=run_agreement)
    parser.add_argument("--annotators", metavar="A,B", type=_names,
                        help="compare these annotators (the first of a pair is its reference; "
                             "default: all but the gold layer)")
    parser.add_argument("--labels", metavar="L1,L2", type=_names,
                        help="compare these labels only (default: every label of the schema)")
    parser.add_argument("--min-overlap", metavar="RATIO", type=float, default=0.5,
                        help="overlap / union ratio a span pair needs in the ratio matching, "
                             "which relations and attributes are compared on (default 0.5)")
    parser.add_argument("--matching", choices=MATCHING_METHODS, default="hungarian",
                        help="one-to-one span matching (default: hungarian)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _names(value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    if not names:
        raise argparse.ArgumentTypeError("expected comma-separated names")
    return names


def run_agreement(args: argparse.Namespace) -> int:
    options = AgreementOptions(args.annotators, args.labels, args.min_overlap, args.matching)
    with Project.open(args.project, readonly=True) as project, project.snapshot():
        try:
            resolve_options(project, options)
        except ValidationError as exc:
            raise UsageError(str(exc)) from exc
        report = compute_agreement(project, options)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False, allow_nan=False))
    else:
        print("\n".join(format_report(report)))
    return EXIT_OK


def _number(value: float | None, digits: int = 3) -> str:
    return MISSING if value is None else f"{value:.{digits}f}"


def _count(number: int, noun: str) -> str:
    # joined by a no-break space, which _wrapped keeps on one line
    return f"{number}{NO_BREAK}{noun}" if number == 1 else f"{number}{NO_BREAK}{noun}s"


def _wrapped(text: str, indent: str = "") -> list[str]:
    """``text`` in lines of at most :data:`WIDTH` columns (a longer word stays whole)."""
    lines = textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ",
                          break_on_hyphens=False, break_long_words=False)
    return [line.replace(NO_BREAK, " ") for line in lines]


def format_report(report: AgreementReport) -> Iterator[str]:
    """The readable table: one block per pair, then one for all annotators.

    Lines stay within :data:`WIDTH` columns (except the project's path, and label names
    longer than about 25 characters): text is wrapped, and each block has a span table
    (P, R, F1 of the three matchings), a table of kappa, alpha and alpha_u, then the
    relation and attribute tables.
    """
    options = report.options
    yield f"Agreement in {report.project}"  # a path is not wrapped
    yield from _wrapped(f"{len(report.annotators)} annotators: {', '.join(report.annotators)}")
    yield from _wrapped(f"Labels: {', '.join(report.labels)}")
    if report.left_out:
        yield from _wrapped("Left out (no done document in common with another annotator): "
                            f"{', '.join(report.left_out)}")
    yield from _wrapped(
        "Only documents marked done count. Spans of a label are matched one-to-one "
        f"({options.matching}): exact (same characters), overlap (any shared character) and "
        f"overlap >= {options.min_overlap:.2f} (overlap/union; relations and attributes are "
        "compared on these pairs). P: matched share of the other annotator's spans, R: of "
        "the reference's. kappa, alpha: tokens; alpha_u: characters. '-': undefined.")
    for group in report.pairs:
        yield ""
        yield from _format_group(group, options.min_overlap)
    yield ""
    if report.all is None:
        yield "All annotators: no document was marked done by all of them."
    elif len(report.all.annotators) > 2:
        yield from _format_group(report.all, options.min_overlap)


def _format_group(group: GroupResult, min_overlap: float) -> Iterator[str]:
    if group.is_pair:
        yield from _wrapped(f"{group.annotators[0]} vs {group.annotators[1]} (reference "
                            f"{group.annotators[0]}): {_count(group.documents, 'document')}, "
                            f"{_count(group.tokens, 'token')}")
        kappa = "kappa"
    else:
        yield from _wrapped(f"All annotators ({', '.join(group.annotators)}): "
                            f"{_count(group.documents, 'document')}, "
                            f"{_count(group.tokens, 'token')}")
        yield from _wrapped("counts pooled over the pairs (reference: the earlier annotator); "
                            "Fleiss' kappa", "  ")
        kappa = "Fleiss"
    rows = [*group.labels.items(), ("overall", group.overall)]
    width = max([len("relation"), *(len(name) for name, _ in rows)]) + 2
    spans = {name: f"{r.exact.reference}/{r.exact.other}" for name, r in rows}
    spans_width = max(len("ref/other"), *map(len, spans.values())) + 1
    matchings = ("exact", "overlap", f"overlap >= {min_overlap:.2f}")
    yield (f"  {'':<{width + spans_width}}"
           + "".join(f"{'':3}{name:^{3 * NUMBER - 1}}" for name in matchings)).rstrip()
    yield (f"  {'label':<{width}}{'ref/other':>{spans_width}}"
           + f"{'':2}{'P':>{NUMBER}}{'R':>{NUMBER}}{'F1':>{NUMBER}}" * len(matchings))
    for name, result in rows:
        counts = (result.exact, result.overlap, result.min_overlap)
        yield (f"  {name:<{width}}{spans[name]:>{spans_width}}"
               + "".join(f"{'':2}{_number(c.precision):>{NUMBER}}{_number(c.recall):>{NUMBER}}"
                         f"{_number(c.f1):>{NUMBER}}" for c in counts))
    yield f"  {'label':<{width}}{kappa:>8}{'alpha':>8}{'alpha_u':>9}"
    for name, result in rows:
        yield (f"  {name:<{width}}{_number(result.kappa):>8}{_number(result.alpha):>8}"
               f"{_number(result.alpha_u):>9}")
    if group.relations:
        yield (f"  {'relation':<{width}}{'sources':>8}{'agree':>7}{'observed':>10}"
               f"{'actor':>8}{'link F1':>9}")
        for name, tally in group.relations.items():
            yield (f"  {name:<{width}}{tally.sources:>8}{tally.agree:>7}"
                   f"{_number(tally.observed):>10}{_number(tally.actor_observed):>8}"
                   f"{_number(tally.links.f1):>9}")
    attributes = [(f"{label}.{name}", value) for label, attrs in group.attributes.items()
                  for name, value in attrs.items()]
    if attributes:
        attribute_width = max(width, *(len(name) + 2 for name, _ in attributes))
        kappa_name = "kappa" if group.is_pair else "mean kappa"
        yield (f"  {'attribute':<{attribute_width}}{'pairs':>7}{'agree':>7}{'observed':>10}"
               f"{kappa_name:>12}")
        for name, value in attributes:
            yield (f"  {name:<{attribute_width}}{value.pairs:>7}{value.agree:>7}"
                   f"{_number(value.observed):>10}{_number(value.kappa):>12}")
