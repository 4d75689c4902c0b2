from common.text import DATAMARK, datamark, undatamark


def test_datamark_writes_each_run_of_spaces_as_one_mark_and_keeps_line_breaks():
    assert datamark("Acme  navy\tshirt\nsize L") == f"Acme{DATAMARK}navy{DATAMARK}shirt\nsize{DATAMARK}L"


def test_undatamark_gives_back_spaces_so_a_copied_value_can_be_located_in_the_input():
    assert undatamark(datamark("Acme navy shirt")) == "Acme navy shirt"


def test_a_mark_in_the_input_is_a_space_before_marking_so_marks_are_only_beacons():
    assert datamark(f"a{DATAMARK}b c") == f"a{DATAMARK}b{DATAMARK}c"
