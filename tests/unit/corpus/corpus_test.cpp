#include "polyrep/corpus/corpus.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "polyrep/core/error.hpp"
#include "polyrep_test/test_paths.hpp"
#include "temp_corpus.hpp"

namespace polyrep::corpus {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using test::TempCorpus;

const fs::path kFlores = fs::path(test::kDataDir) / "flores200";

// Runs `open` and returns the message of the expected exception type (fails otherwise).
template <typename E>
std::string open_error(const CorpusOptions& options) {
  try {
    Corpus::open(options);
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "no exception of the expected type for " << options.path;
  return {};
}

TEST(Corpus, FloresTestDataAllLanguagesSorted) {
  const Corpus corpus = Corpus::open({kFlores, "dev", {}});
  EXPECT_EQ(corpus.layout(), Layout::flores);
  // tests/data/README.md: the first 40 lines of each of the 204 FLORES-200 dev files.
  ASSERT_EQ(corpus.size(), 204U);
  EXPECT_TRUE(std::is_sorted(corpus.languages().begin(), corpus.languages().end()));
  EXPECT_EQ(corpus.languages().front(), "ace_Arab");
  EXPECT_EQ(corpus.languages().back(), "zul_Latn");
  for (std::size_t i = 0; i < corpus.size(); ++i) EXPECT_EQ(corpus.line_count(i), 40) << corpus.languages()[i];
  EXPECT_EQ(corpus.common_line_count(), 40);
  EXPECT_TRUE(corpus.is_parallel());
  EXPECT_EQ(corpus.source(0), kFlores / "dev" / "ace_Arab.dev");
  EXPECT_EQ(corpus.column(0), -1);
  EXPECT_EQ(corpus.header_lines(), 0);
}

TEST(Corpus, AllKeywordEqualsEmptyList) {
  const Corpus all = Corpus::open({kFlores, "dev", {"all"}});
  const Corpus empty = Corpus::open({kFlores, "dev", {}});
  EXPECT_EQ(all.languages(), empty.languages());
}

TEST(Corpus, KeepsTheOrderGiven) {
  const Corpus corpus = Corpus::open({kFlores, "dev", {"spa_Latn", "eng_Latn", "deu_Latn"}});
  EXPECT_EQ(corpus.languages(), (std::vector<std::string>{"spa_Latn", "eng_Latn", "deu_Latn"}));
  EXPECT_EQ(corpus.source(1), kFlores / "dev" / "eng_Latn.dev");
}

TEST(Corpus, AcceptsTheSplitDirectoryItself) {
  const Corpus corpus = Corpus::open({kFlores / "dev", "dev", {"eng_Latn"}});
  EXPECT_EQ(corpus.layout(), Layout::flores);
  EXPECT_EQ(corpus.line_count(0), 40);
}

TEST(Corpus, FloresOtherSplit) {
  TempCorpus tmp;
  tmp.write("devtest/eng_Latn.devtest", "a\nb\nc\n");
  tmp.write("devtest/fra_Latn.devtest", "x\ny\nz\n");
  tmp.write("dev/eng_Latn.dev", "only one\n");
  const Corpus corpus = Corpus::open({tmp.root(), "devtest", {}});
  EXPECT_EQ(corpus.layout(), Layout::flores);
  EXPECT_EQ(corpus.languages(), (std::vector<std::string>{"eng_Latn", "fra_Latn"}));
  EXPECT_EQ(corpus.line_count(0), 3);
  EXPECT_EQ(corpus.source(1), tmp.root() / "devtest" / "fra_Latn.devtest");
}

TEST(Corpus, PlainTextDirectory) {
  TempCorpus tmp;
  tmp.write("en.txt", "one\ntwo\nthree");  // last line without newline still counts
  tmp.write("de.txt", "eins\r\nzwei\r\ndrei\r\n");
  tmp.write(".hidden.txt", "x\n");
  tmp.write("notes.md", "not a language\n");
  const Corpus corpus = Corpus::open({tmp.root(), "dev", {}});
  EXPECT_EQ(corpus.layout(), Layout::plain);
  EXPECT_EQ(corpus.languages(), (std::vector<std::string>{"de", "en"}));
  EXPECT_EQ(corpus.line_count(0), 3);
  EXPECT_EQ(corpus.line_count(1), 3);
  EXPECT_EQ(corpus.source(1), tmp.root() / "en.txt");
}

TEST(Corpus, UnequalLengthsGiveTheSmallestCommonCount) {
  TempCorpus tmp;
  tmp.write("a.txt", "1\n2\n3\n4\n");
  tmp.write("b.txt", "1\n2\n");
  tmp.write("c.txt", "1\n2\n3\n");
  const Corpus corpus = Corpus::open({tmp.root(), "dev", {"c", "b", "a"}});
  EXPECT_EQ(corpus.common_line_count(), 2);
  EXPECT_EQ(corpus.fewest_lines_language(), 1U);
  EXPECT_FALSE(corpus.is_parallel());
}

TEST(Corpus, TsvTable) {
  TempCorpus tmp;
  const auto file = tmp.write("table.tsv", "eng_Latn\tfra_Latn\tdeu_Latn\nHello\tBonjour\tHallo\nYes\tOui\tJa\n");
  const Corpus corpus = Corpus::open({file, "dev", {}});
  EXPECT_EQ(corpus.layout(), Layout::tsv_table);
  EXPECT_EQ(corpus.languages(), (std::vector<std::string>{"deu_Latn", "eng_Latn", "fra_Latn"}));
  EXPECT_EQ(corpus.header_lines(), 1);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(corpus.line_count(i), 2);
    EXPECT_EQ(corpus.source(i), file);
  }
  EXPECT_EQ(corpus.column(0), 2);  // deu_Latn is the third header cell
  EXPECT_EQ(corpus.column(1), 0);
  EXPECT_EQ(corpus.column(2), 1);
}

TEST(Corpus, TsvTableRowWithWrongColumnCountNamesTheLine) {
  TempCorpus tmp;
  const auto file = tmp.write("t.tsv", "en\tfr\na\tb\nc\n");
  const std::string message = open_error<InputError>({file, "dev", {}});
  EXPECT_THAT(message, HasSubstr(file.string() + ":3:"));
  EXPECT_THAT(message, HasSubstr("expected 2"));
}

TEST(Corpus, TsvTableBadHeader) {
  TempCorpus tmp;
  EXPECT_THAT(open_error<InputError>({tmp.write("dup.tsv", "en\ten\na\tb\n"), "dev", {}}), HasSubstr("twice"));
  EXPECT_THAT(open_error<InputError>({tmp.write("gap.tsv", "en\t\tfr\na\tb\tc\n"), "dev", {}}),
              HasSubstr("column 2"));
  const auto header_only = tmp.write("h.tsv", "en\tfr\n");
  EXPECT_THAT(open_error<InputError>({header_only, "dev", {}}), HasSubstr(header_only.string()));
  const auto empty = tmp.write("e.tsv", "");
  EXPECT_THAT(open_error<InputError>({empty, "dev", {}}), HasSubstr(empty.string()));
}

TEST(Corpus, TsvPerLanguage) {
  TempCorpus tmp;
  tmp.write("eng_Latn.tsv", "1\tHello\tx\n2\tYes\ty\n");
  tmp.write("fra_Latn.tsv", "1\tBonjour\n2\tOui\n");
  const Corpus corpus = Corpus::open({tmp.root(), "dev", {"fra_Latn"}, 1});
  EXPECT_EQ(corpus.layout(), Layout::tsv_per_language);
  EXPECT_EQ(corpus.line_count(0), 2);
  EXPECT_EQ(corpus.column(0), 1);
  EXPECT_EQ(corpus.header_lines(), 0);
  const auto message = open_error<InputError>({tmp.root(), "dev", {"fra_Latn"}, 2});
  EXPECT_THAT(message, HasSubstr((tmp.root() / "fra_Latn.tsv").string() + ":1:"));
  EXPECT_THAT(open_error<UsageError>({tmp.root(), "dev", {}, -1}), HasSubstr("--tsv-column"));
}

TEST(Corpus, UnknownLanguageNamesItAndSuggests) {
  const std::string message = open_error<InputError>({kFlores, "dev", {"eng_Latn", "xyz_Latn"}});
  EXPECT_THAT(message, HasSubstr("--langs: unknown language 'xyz_Latn'"));
  EXPECT_THAT(message, HasSubstr((kFlores / "dev" / "xyz_Latn.dev").string()));
  const std::string typo = open_error<InputError>({kFlores, "dev", {"eng_Latm"}});
  EXPECT_THAT(typo, HasSubstr("close matches: eng_Latn"));
  EXPECT_THAT(open_error<InputError>({kFlores, "dev", {"eng"}}), HasSubstr("eng_Latn"));
}

TEST(Corpus, BadLanguageLists) {
  EXPECT_THAT(open_error<UsageError>({kFlores, "dev", {"eng_Latn", "eng_Latn"}}), HasSubstr("twice"));
  EXPECT_THAT(open_error<UsageError>({kFlores, "dev", {"all", "eng_Latn"}}), HasSubstr("all"));
  EXPECT_THAT(open_error<UsageError>({kFlores, "dev", {""}}), HasSubstr("empty"));
}

TEST(Corpus, EmptyFileIsAnInputErrorNamingIt) {
  TempCorpus tmp;
  tmp.write("en.txt", "a\n");
  const auto empty = tmp.write("fr.txt", "");
  const std::string message = open_error<InputError>({tmp.root(), "dev", {"en", "fr"}});
  EXPECT_THAT(message, HasSubstr(empty.string()));
  EXPECT_THAT(message, HasSubstr("empty"));
  EXPECT_NO_THROW(Corpus::open({tmp.root(), "dev", {"en"}}));
}

TEST(Corpus, MissingOrUnusablePaths) {
  TempCorpus tmp;
  const auto missing = tmp.root() / "nope";
  EXPECT_THAT(open_error<InputError>({missing, "dev", {}}), HasSubstr(missing.string()));
  EXPECT_THAT(open_error<InputError>({tmp.root(), "dev", {}}), HasSubstr("no languages found"));
  const auto text_file = tmp.write("file.txt", "a\n");
  EXPECT_THAT(open_error<InputError>({text_file, "dev", {}}), HasSubstr(text_file.string()));
  tmp.write("sub/dev/README", "x\n");
  EXPECT_THAT(open_error<InputError>({tmp.root() / "sub", "dev", {}}), HasSubstr("*.dev"));
  EXPECT_THROW(Corpus::open({fs::path(), "dev", {}}), UsageError);
}

TEST(Corpus, UnknownSplitNamesTheFlagAndTheSplitsThatExist) {
  EXPECT_THAT(open_error<UsageError>({kFlores, "test", {"eng_Latn"}}),
              HasSubstr("--split test: no such split in " + kFlores.string() + " (found: dev)"));
  TempCorpus tmp;
  tmp.write("devtest/en.devtest", "a\n");
  tmp.write("dev/en.dev", "a\n");
  tmp.write("notes/readme", "x\n");
  EXPECT_THAT(open_error<UsageError>({tmp.root(), "train", {}}), HasSubstr("(found: dev, devtest)"));
}

TEST(Corpus, ALanguageFileThatIsADirectoryIsNamed) {
  TempCorpus tmp;
  tmp.write("yy.txt", "a\n");
  std::filesystem::create_directories(tmp.root() / "xx.txt");
  EXPECT_THAT(open_error<InputError>({tmp.root(), "dev", {"xx", "yy"}}),
              HasSubstr("--langs xx: " + (tmp.root() / "xx.txt").string() + " is a directory"));
  EXPECT_EQ(Corpus::open({tmp.root(), "dev", {"all"}}).languages(), (std::vector<std::string>{"yy"}));
}

TEST(Corpus, TheDefaultLanguageListIsAll) { EXPECT_EQ(CorpusOptions{}.languages, (std::vector<std::string>{"all"})); }

TEST(Corpus, TxtAndTsvTogetherIsAmbiguous) {
  TempCorpus tmp;
  tmp.write("en.txt", "a\n");
  tmp.write("fr.tsv", "a\n");
  EXPECT_THAT(open_error<InputError>({tmp.root(), "dev", {}}), HasSubstr("both"));
}

TEST(Corpus, LayoutNames) {
  EXPECT_STREQ(to_string(Layout::flores), "flores");
  EXPECT_STREQ(to_string(Layout::tsv_per_language), "tsv_per_language");
}

}  // namespace
}  // namespace polyrep::corpus
