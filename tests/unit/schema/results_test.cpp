// The reduce results' paths, against the layout the README documents (hand-written here).
#include "polyrep/schema/results.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace polyrep::schema {
namespace {

TEST(ResultsSchema, PcaOfEachCloud) {
  EXPECT_EQ(std::string(results_group), "/reduce");
  const PcaPaths tokens = pca(cloud::tokens);
  EXPECT_EQ(tokens.group, "/reduce/pca/tokens");
  EXPECT_EQ(tokens.projection(), "/reduce/pca/tokens/projection");
  EXPECT_EQ(tokens.components(), "/reduce/pca/tokens/components");
  EXPECT_EQ(tokens.mean(), "/reduce/pca/tokens/mean");
  EXPECT_EQ(tokens.explained_variance(), "/reduce/pca/tokens/explained_variance");
  EXPECT_EQ(tokens.explained_variance_ratio(), "/reduce/pca/tokens/explained_variance_ratio");
  EXPECT_EQ(pca(cloud::sentences).projection(), "/reduce/pca/sentences/projection");
  EXPECT_EQ(pca(cloud::types).projection(), "/reduce/pca/types/projection");
}

TEST(ResultsSchema, TsneOfEachCloud) {
  const TsnePaths sentences = tsne(cloud::sentences);
  EXPECT_EQ(sentences.group, "/reduce/tsne/sentences");
  EXPECT_EQ(sentences.rows(), "/reduce/tsne/sentences/rows");
  EXPECT_EQ(sentences.embedding(), "/reduce/tsne/sentences/embedding");
  EXPECT_EQ(sentences.kl_divergence(), "/reduce/tsne/sentences/kl_divergence");
  EXPECT_EQ(tsne(cloud::types).embedding(), "/reduce/tsne/types/embedding");
}

TEST(ResultsSchema, TokenTypesAndTheCloudList) {
  EXPECT_EQ(std::string(types::group), "/reduce/types");
  EXPECT_EQ(std::string(types::lang), "/reduce/types/lang");
  EXPECT_EQ(std::string(types::token_id), "/reduce/types/token_id");
  EXPECT_EQ(std::string(types::count), "/reduce/types/count");
  EXPECT_EQ(std::string(types::first_row), "/reduce/types/first_row");
  const std::vector<std::string> names(clouds.begin(), clouds.end());
  EXPECT_EQ(names, (std::vector<std::string>{"tokens", "sentences", "types"}));
}

}  // namespace
}  // namespace polyrep::schema
