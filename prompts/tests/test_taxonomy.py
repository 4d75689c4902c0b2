"""Taxonomies: import from the Shopify formats, narrowing, and jobs that choose from them."""

import json
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from beacon.testing import generation_body
from jobs.models import Job
from jobs.services import pipeline
from prompts.models import Taxonomy
from prompts.taxonomy import (
    demo_taxonomy_ensure,
    parse_shopify_text,
    parse_shopify_yaml,
    product_languages,
    product_query,
    taxonomy_candidates,
    taxonomy_import,
)
from prompts.taxonomy_index import index_build, shopify_paths
from safety.encryption import decrypt_json
from tenants.models import Organization

pytestmark = pytest.mark.django_db
SHOPIFY = Path(__file__).resolve().parents[3] / "shared" / "data" / "shopify-product-taxonomy-2024-07"
TEXT = """# Shopify Product Taxonomy - Categories: 2024-07
gid://shopify/TaxonomyCategory/hg        : Home & Garden
gid://shopify/TaxonomyCategory/hg-1      : Home & Garden > Kitchen & Dining
gid://shopify/TaxonomyCategory/hg-1-1    : Home & Garden > Kitchen & Dining > Cookware > Frying Pans
gid://shopify/TaxonomyCategory/aa        : Apparel & Accessories
gid://shopify/TaxonomyCategory/aa-1      : Apparel & Accessories > Clothing > Shirts & Tops
"""


def test_both_shopify_formats_parse(tmp_path):
    categories = parse_shopify_text(TEXT.splitlines())
    assert [c.path for c in categories][2] == "Home & Garden > Kitchen & Dining > Cookware > Frying Pans"
    assert categories[0].external_id == "gid://shopify/TaxonomyCategory/hg"
    (tmp_path / "hg.yml").write_text(yaml.safe_dump([
        {"id": "hg", "name": "Home & Garden", "children": ["hg-1"]},
        {"id": "hg-1", "name": "Kitchen & Dining", "children": []},
    ]))  # fmt: skip
    assert [c.path for c in parse_shopify_yaml(tmp_path)] == ["Home & Garden", "Home & Garden > Kitchen & Dining"]
    with pytest.raises(ValueError):
        parse_shopify_text(["not a taxonomy line"])


def test_narrowing_ranks_by_shared_rare_words_and_fills_with_top_levels():
    taxonomy = taxonomy_import(categories=parse_shopify_text(TEXT.splitlines()), name="t", source="test")
    chosen = taxonomy_candidates(taxonomy=taxonomy, parameters={"content": "Steel frying pan for induction"}, limit=3)
    assert chosen[0] == "Home & Garden > Kitchen & Dining > Cookware > Frying Pans"
    assert len(chosen) == 3 and "Home & Garden" in chosen  # filled with top levels
    assert len(taxonomy_candidates(taxonomy=taxonomy, parameters={"content": "x"}, limit=10)) == 5  # small: all


@pytest.mark.skipif(not SHOPIFY.exists(), reason="../shared/data is not on this machine")
def test_the_real_shopify_taxonomy_imports_and_narrows(org_factory):
    org, _ = org_factory("shop")
    out = StringIO()
    call_command("taxonomy_import", str(SHOPIFY / "dist" / "en" / "categories.txt"), "--org", "shop", stdout=out)
    assert "imported 10281 categories for shop" in out.getvalue()
    taxonomy = Taxonomy.objects.get(organization=org)
    parameters = {
        "content": "Stainless steel frying pan, 28 cm, for induction hobs",
        "product": {"title": "Frying pan"},
    }
    chosen = taxonomy_candidates(taxonomy=taxonomy, parameters=parameters)
    assert len(chosen) == 30
    assert any("Frying Pans" in path for path in chosen[:5]), chosen[:5]


def test_a_taxonomy_job_chooses_only_from_its_organizations_narrowed_categories(api, scripted, settings):
    settings.BEACON_TAXONOMY_CANDIDATES = 2
    org = Organization.objects.get(slug="acme")
    taxonomy_import(categories=parse_shopify_text(TEXT.splitlines()), name="acme", source="test", organization=org)
    body = generation_body("taxonomy_tagging", content="A steel frying pan")
    job_id = api.post("/api/v1/generations", body, format="json").json()["data"]["id"]
    for stage in (pipeline.prepare_run, pipeline.assemble_run, pipeline.generate_run, pipeline.validate_run):
        stage(job_id=job_id)
    job = Job.objects.get(pk=job_id)
    assert job.payload.working is not None
    working = decrypt_json(job.payload.working)
    assert working["taxonomy"][0] == "Home & Garden > Kitchen & Dining > Cookware > Frying Pans"
    assert len(working["taxonomy"]) == 2
    assert "Frying Pans" in working["messages"][1]["content"]  # listed after the data
    output = job.result.output
    assert output is not None and output["categories"][0]["path"] in working["taxonomy"]
    enum = working["outputSchema"]["properties"]["categories"]["items"]["properties"]["path"]["enum"]
    assert enum == working["taxonomy"]


def test_the_demo_taxonomy_is_the_platform_default():
    taxonomy = demo_taxonomy_ensure()
    assert taxonomy.organization is None and taxonomy.node_count > 10
    assert demo_taxonomy_ensure() == taxonomy


@pytest.mark.shopify_data
@pytest.mark.skipif(not SHOPIFY.exists(), reason="../shared/data is not on this machine")
def test_a_products_category_attributes_come_from_the_shopify_taxonomy(settings):
    from prompts.taxonomy import product_category_attributes

    settings.BEACON_SHOPIFY_TAXONOMY_DIR = SHOPIFY
    _, shirt = product_category_attributes({"content": "Blue cotton shirt by Acme, size M"})
    assert shirt is not None and {"colour", "material"} <= set(shirt)
    category, chocolate = product_category_attributes(
        {
            "content": "White peppermint chocolate truffles. Lindt.",
            "product": {"title": "White peppermint chocolate truffles"},
        }
    )
    assert category is not None and category.startswith("Food, Beverages & Tobacco")
    assert chocolate is not None and "colour" not in chocolate  # "White" is not a chocolate's colour


def test_confidence_follows_the_calibration_table_when_there_is_one(tmp_path, monkeypatch):
    from prompts import taxonomy

    ranking = [("A", 6.0), ("B", 2.0), ("C", 2.0)]
    monkeypatch.setattr(taxonomy, "CALIBRATION_FILE", tmp_path / "absent.json")
    taxonomy.calibration_points.cache_clear()
    assert taxonomy.taxonomy_confidence("A", ranking, "A") == round(0.5 * 0.6 + 0.5, 3)  # no table: raw
    table = tmp_path / "calibration.json"
    table.write_text(json.dumps({"points": [[0.0, 0.1], [0.5, 0.5], [1.0, 0.9]]}))
    monkeypatch.setattr(taxonomy, "CALIBRATION_FILE", table)
    taxonomy.calibration_points.cache_clear()
    try:
        assert taxonomy.taxonomy_confidence("A", ranking, "A") == round(0.5 + 0.4 * (0.8 - 0.5) / 0.5, 3)
        assert taxonomy.taxonomy_confidence("B", ranking, "A") == round(0.1 + 0.4 * 0.1 / 0.5, 3)
    finally:
        taxonomy.calibration_points.cache_clear()


def test_a_product_is_matched_in_its_own_language_and_a_scarf_is_a_scarf(tmp_path, settings):
    """ "Red" is Spanish for a network: an English listing must not match the
    Spanish vocabulary, and "scarves" is the plural of "scarf"."""
    for language, lines in {
        "en": ["gid://shopify/TaxonomyCategory/aa-2 : Apparel & Accessories > Clothing Accessories > Scarves & Shawls",
               "gid://shopify/TaxonomyCategory/el-1 : Electronics > Networking"],
        "es": ["gid://shopify/TaxonomyCategory/aa-2 : Ropa y accesorios > Accesorios de ropa > Bufandas y chales",
               "gid://shopify/TaxonomyCategory/el-1 : Electrónica > Equipos de red"],
    }.items():  # fmt: skip
        folder = tmp_path / "dist" / language
        folder.mkdir(parents=True)
        (folder / "categories.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings.BEACON_SHOPIFY_TAXONOMY_DIR = tmp_path
    shopify_paths.cache_clear()
    index = index_build(["Apparel & Accessories > Clothing Accessories", "Electronics > Networking"])
    english = {"content": "Red wool scarf by Nord", "locale": "en-US"}
    ranked = index.rank(product_query(english), 2, product_languages(english))
    assert ranked == [("Apparel & Accessories > Clothing Accessories", ranked[0][1])]
    spanish = {"content": "Equipo de red", "locale": "es-ES"}
    assert index.rank(product_query(spanish), 1, product_languages(spanish))[0][0] == "Electronics > Networking"
    shopify_paths.cache_clear()
