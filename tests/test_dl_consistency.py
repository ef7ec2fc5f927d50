"""OWL 2 DL: the ontology and the full atlas are consistent and every class is satisfiable (HermiT).

HermiT comes with owlready2 (test extra) and needs a Java runtime. xsd:date is outside the
OWL 2 datatype map, so HermiT is told to ignore unsupported datatypes.
"""

import shutil
import subprocess
from pathlib import Path

import owlready2
import pytest

HERMIT = Path(owlready2.__file__).parent / "hermit"
ROOT = Path(__file__).resolve().parents[1]


def hermit(path: Path, *options) -> subprocess.CompletedProcess:
    assert shutil.which("java"), "a Java runtime is needed (Debian: default-jre-headless)"
    return subprocess.run(
        ["java", "-Xmx2000M", "-cp", f"{HERMIT}:{HERMIT / 'HermiT.jar'}", "org.semanticweb.HermiT.cli.CommandLine",
         "--ignoreUnsupportedDatatypes", *options, path.resolve().as_uri()],
        capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("which", ["fixture", "atlas"])
def test_full_graph_is_consistent_with_no_unsatisfiable_class(which, request):
    dist = request.getfixturevalue(f"{which}_dist")
    run = hermit(dist / "full.nt", "-k", "-U")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "owl#Thing is satisfiable" in run.stdout
    unsatisfiable = run.stdout.split("Classes equivalent to 'owl:Nothing':", 1)[1].split()
    assert unsatisfiable == ["owl:Nothing"]


def test_an_inconsistent_atlas_is_caught(fixture_dist, tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_text((fixture_dist / "full.nt").read_text()
                   + "<https://w3id.org/llm-atlas/ontology#Model> <http://www.w3.org/2002/07/owl#disjointWith> <https://w3id.org/llm-atlas/ontology#Dataset> .\n"
                   + "<https://w3id.org/llm-atlas/id/model/alpha-7b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/llm-atlas/ontology#Dataset> .\n")
    run = hermit(bad, "-k")
    assert run.returncode != 0 and "InconsistentOntologyException" in run.stderr
