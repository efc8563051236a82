import csv
import json
from importlib import resources

import pytest

from tests.support import SAMPLE_PC4, SHARED_PC4
from vtchat.regions import (
    PostcodeTableError,
    load_directory,
    parse_directory,
    read_postcode_table,
    split_by_leading_digit,
)


def test_the_26_organisations_of_the_source_texts_are_loaded() -> None:
    directory = load_directory()
    assert len(directory) == 26
    assert directory.get("zuidoost-brabant").name == "Veilig Thuis Zuidoost-Brabant"
    assert directory.by_alias("Noord- en Midden-Limburg") is not None


def test_a_malformed_organisations_file_is_refused() -> None:
    raw = json.loads(resources.files("vtchat").joinpath("data/organisations.json").read_text())
    raw["organisations"].append(dict(raw["organisations"][0]))
    with pytest.raises(ValueError, match="unique"):
        parse_directory(json.dumps(raw))


def rows(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"pc4": pc4, "veilig_thuis_26": org} for pc4, org in pairs]


def test_a_table_with_unknown_organisations_is_refused_whole() -> None:
    with pytest.raises(PostcodeTableError, match="Oost-Brabant"):
        read_postcode_table(
            rows(("3511", "Utrecht"), ("5611", "Oost-Brabant")),
            load_directory(),
            column="veilig_thuis_26",
        )


@pytest.mark.parametrize("bad", [("351", "Utrecht"), ("0351", "Utrecht"), ("35a1", "Utrecht")])
def test_malformed_postcodes_are_refused(bad: tuple[str, str]) -> None:
    with pytest.raises(PostcodeTableError, match="4-digit"):
        read_postcode_table(rows(bad), load_directory(), column="veilig_thuis_26")


def test_a_repeated_postcode_is_refused() -> None:
    with pytest.raises(PostcodeTableError, match="twice"):
        read_postcode_table(
            rows(("3511", "Utrecht"), ("3511", "Utrecht")),
            load_directory(),
            column="veilig_thuis_26",
        )


def test_the_sample_table_loads() -> None:
    with SAMPLE_PC4.open(encoding="utf-8") as handle:
        mapping = read_postcode_table(
            csv.DictReader(handle), load_directory(), column="veilig_thuis_26"
        )
    assert mapping["5701"] == "zuidoost-brabant"


@pytest.mark.skipif(not SHARED_PC4.exists(), reason="shared/data/pc4_veilig_thuis.csv not present")
def test_every_pc4_of_the_reference_table_maps_to_exactly_one_organisation() -> None:
    with SHARED_PC4.open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    mapping = read_postcode_table(table, load_directory(), column="veilig_thuis_26")
    assert len(mapping) == len(table) == len({row["pc4"] for row in table})
    assert set(mapping.values()) <= {org.id for org in load_directory()}
    shards = split_by_leading_digit(mapping)
    assert sum(len(shard) for shard in shards.values()) == len(mapping)
    assert all(len(shard) < 1500 for shard in shards.values())  # well inside 1 MiB per document
