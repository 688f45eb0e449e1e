"""JUnit XML for CI systems: one <testsuite> per folder, one <testcase> per job."""
import re
import xml.etree.ElementTree as ET

from . import results

# Characters XML 1.0 cannot carry; a stack's stderr may hold any byte.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text):
    return _NOT_XML.sub("?", text or "")


def _message(entry):
    if entry["reason"]:
        return entry["reason"]
    failure = (entry["result"] or {}).get("failure") or {}
    return failure.get("message") or entry["verdict"]


def build(document):
    root = ET.Element("testsuites", name="vwire")
    t = document["totals"]
    root.set("tests", str(t["scripts"]))
    root.set("failures", str(t["fail"]))
    root.set("errors", str(t["error"]))
    root.set("time", f"{document['wall_usecs'] / 1e6:.3f}")
    groups = {}
    for entry in document["scripts"]:
        groups.setdefault(entry["folder"], []).append(entry)
    for folder, entries in sorted(groups.items()):
        counts = results.totals(entries)
        suite = ET.SubElement(root, "testsuite", name=folder, tests=str(counts["scripts"]),
                              failures=str(counts["fail"]), errors=str(counts["error"]),
                              skipped="0",
                              time=f"{sum(e['duration_usecs'] for e in entries) / 1e6:.3f}")
        for entry in entries:
            name = entry["id"].rsplit("/", 1)[-1]
            case = ET.SubElement(suite, "testcase", classname=folder, name=name,
                                 file=entry["path"],
                                 time=f"{entry['duration_usecs'] / 1e6:.3f}")
            if entry["verdict"] != "pass":
                tag = "failure" if entry["verdict"] == "fail" else "error"
                failure = (entry["result"] or {}).get("failure") or {}
                node = ET.SubElement(case, tag, message=_clean(_message(entry)),
                                     type=failure.get("kind") or entry["reason"] or tag)
                text = (entry["result"] or {}).get("error_text") or entry["stderr"]
                node.text = _clean(text)
            if entry["flaky"]:
                ET.SubElement(case, "system-out").text = \
                    f"flaky: passed after {entry['attempts']} attempts"
    return ET.ElementTree(root)


def write(document, path):
    tree = build(document)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
