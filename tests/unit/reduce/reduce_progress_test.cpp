#include "polyrep/reduce/reduce_progress.hpp"

#include <gtest/gtest.h>

namespace polyrep::reduce {
namespace {

// The journal numbers jobs by this order; a resumed reduce must number them the same way.
TEST(ReduceJobs, NumbersPcaThenTypesThenTsne) {
  ReduceJobs jobs;
  jobs.pca_clouds = {"tokens", "sentences"};
  jobs.types = true;
  jobs.tsne = true;
  jobs.layers = 3;
  EXPECT_EQ(jobs.tsne_clouds(), (std::vector<std::string>{"tokens", "sentences", "types"}));
  EXPECT_EQ(jobs.count(), 6 + 1 + 9);
  EXPECT_EQ(jobs.pca_job(0, 0), 0);
  EXPECT_EQ(jobs.pca_job(1, 2), 5);
  EXPECT_EQ(jobs.types_job(), 6);
  EXPECT_EQ(jobs.tsne_job(0, 0), 7);
  EXPECT_EQ(jobs.tsne_job(2, 2), 15);
}

TEST(ReduceJobs, WithoutTypesOrTsne) {
  ReduceJobs jobs;
  jobs.pca_clouds = {"tokens"};
  jobs.layers = 13;
  EXPECT_TRUE(jobs.tsne_clouds().empty());
  EXPECT_EQ(jobs.count(), 13);
  EXPECT_EQ(jobs.types_job(), -1);
  jobs.tsne = true;
  EXPECT_EQ(jobs.count(), 26);
  EXPECT_EQ(jobs.tsne_job(0, 4), 17);
}

TEST(ReduceJobs, StageComesFromTheRecordContext) {
  extract::ResumeRecord record;
  EXPECT_EQ(stage_of(record), 0);
  record.context.add("stage", "2");
  EXPECT_EQ(stage_of(record), 2);
}

}  // namespace
}  // namespace polyrep::reduce
