from unmangle.textspans import paragraphs, sentences, words


def test_sentences_respect_abbreviations_initials_and_numbers():
    text = "He met J. K. Rowling in the U.S. yesterday. Prices rose 3.5 percent on Jan. 5. Next? Yes!"
    assert [s.text for s in sentences(text)] == [
        "He met J. K. Rowling in the U.S. yesterday.", "Prices rose 3.5 percent on Jan. 5.", "Next?", "Yes!"]


def test_spans_index_the_text():
    text = "  First para. Second one.\n\n  Third para  \n"
    for span in sentences(text) + paragraphs(text) + list(words(text)):
        assert text[span.start:span.end] == span.text
    assert [p.text for p in paragraphs(text)] == ["First para. Second one.", "Third para"]


def test_long_text_is_linear_enough():
    text = "He met Mr. Smith on Jan. 5. Prices rose 3.5 percent. " * 5000
    assert len(sentences(text)) == 10000
