#include "polyrep/extract/checkpoint.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "polyrep/core/error.hpp"
#include "polyrep/core/hash.hpp"

namespace polyrep::extract {
namespace fs = std::filesystem;

namespace {

constexpr const char* kMagic = "polyrep-resume 1";

[[noreturn]] void fail_io(const fs::path& path, const std::string& what) {
  throw IoError(path.string() + ": " + what + ": " + std::strerror(errno));
}

// An open file descriptor that is closed on every path (errors included).
class Fd {
 public:
  Fd(const fs::path& path, int flags) : path_(path), fd_(::open(path.c_str(), flags | O_CLOEXEC, 0644)) {
    if (fd_ < 0) fail_io(path, "cannot open");
  }
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  void write_at(const char* data, std::size_t n, std::uint64_t offset) {
    while (n > 0) {
      const ssize_t w = ::pwrite(fd_, data, n, static_cast<off_t>(offset));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) fail_io(path_, "write failed");
      data += w;
      n -= static_cast<std::size_t>(w);
      offset += static_cast<std::uint64_t>(w);
    }
  }
  void append(const std::string& s) {
    const char* data = s.data();
    std::size_t n = s.size();
    while (n > 0) {
      const ssize_t w = ::write(fd_, data, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) fail_io(path_, "write failed");
      data += w;
      n -= static_cast<std::size_t>(w);
    }
  }
  void read_at(char* data, std::size_t n, std::uint64_t offset) {
    while (n > 0) {
      const ssize_t r = ::pread(fd_, data, n, static_cast<off_t>(offset));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) fail_io(path_, "read failed");
      data += r;
      n -= static_cast<std::size_t>(r);
      offset += static_cast<std::uint64_t>(r);
    }
  }
  void sync() {
    if (::fsync(fd_) != 0) fail_io(path_, "fsync failed");
  }
  void truncate(std::uint64_t size) {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) fail_io(path_, "cannot resize");
  }
  std::uint64_t size() const {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) fail_io(path_, "cannot stat");
    return static_cast<std::uint64_t>(st.st_size);
  }
  void close() {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail_io(path_, "close failed");
  }

 private:
  fs::path path_;
  int fd_;
};

void sync_directory(const fs::path& file) {
  const fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  Fd fd(dir, O_RDONLY | O_DIRECTORY);
  fd.sync();
}

// Values are single-line fields: tabs, newlines and backslashes are escaped.
std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char n = s[++i];
    out += n == 't' ? '\t' : n == 'n' ? '\n' : n;
  }
  return out;
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string part;
  while (std::getline(in, part, '\t')) out.push_back(part);
  return out;
}

std::string header_text(const ResumeRecord& r) {
  std::string text = std::string(kMagic) + "\n";
  for (const auto& [name, value] : r.fingerprint.entries) text += "fingerprint\t" + escape(name) + "\t" + escape(value) + "\n";
  for (const auto& [name, value] : r.context.entries) text += "context\t" + escape(name) + "\t" + escape(value) + "\n";
  text += "windows\t" + std::to_string(r.windows) + "\n";
  text += "file_size\t" + std::to_string(r.file_size) + "\n";
  for (const ByteRange& b : r.metadata) text += "range\t" + std::to_string(b.offset) + "\t" + std::to_string(b.bytes) + "\n";
  text += "bytes\t" + std::to_string(r.metadata_bytes.size()) + "\n";
  return text;
}

std::uint64_t record_checksum(const std::string& header, const std::string& bytes) {
  Hasher h(0x5e5);
  h.update(header);
  h.update(bytes);
  return h.digest();
}

void parse_line(const std::vector<std::string>& f, ResumeRecord& r, std::uint64_t& bytes) {
  const std::string& key = f.at(0);
  if ((key == "fingerprint" || key == "context") && f.size() == 3) {
    (key == "fingerprint" ? r.fingerprint : r.context).add(unescape(f[1]), unescape(f[2]));
  } else if (key == "windows" && f.size() == 2) {
    r.windows = std::stoll(f[1]);
  } else if (key == "file_size" && f.size() == 2) {
    r.file_size = std::stoull(f[1]);
  } else if (key == "range" && f.size() == 3) {
    r.metadata.push_back({std::stoull(f[1]), std::stoull(f[2])});
  } else if (key == "bytes" && f.size() == 2) {
    bytes = std::stoull(f[1]);
  } else {
    throw std::invalid_argument("unexpected line");
  }
}

}  // namespace

ResumePaths resume_paths(const fs::path& out) {
  const std::string base = out.string() + ".partial";
  return {fs::path(base), fs::path(base + ".resume"), fs::path(base + ".done")};
}

std::string first_change(const Fingerprint& saved, const Fingerprint& now) {
  for (const auto& [name, value] : now.entries) {
    const auto it = std::find_if(saved.entries.begin(), saved.entries.end(),
                                 [&](const auto& e) { return e.first == name; });
    if (it == saved.entries.end()) return name + " is new";
    if (it->second == value) continue;
    if (name.rfind("file ", 0) == 0) return name + " changed";
    return name + " was '" + it->second + "', is '" + value + "'";
  }
  for (const auto& [name, value] : saved.entries) {
    const auto it = std::find_if(now.entries.begin(), now.entries.end(), [&](const auto& e) { return e.first == name; });
    if (it == now.entries.end()) return name + (name.rfind("file ", 0) == 0 ? " is gone" : " is not given");
  }
  return "";
}

std::uint64_t fingerprint_hash(const Fingerprint& fingerprint) {
  Hasher h;
  for (const auto& [name, value] : fingerprint.entries) h.update(escape(name) + "\t" + escape(value) + "\n");
  return h.digest();
}

void snapshot_metadata(const fs::path& path, std::vector<ByteRange> raw, ResumeRecord& record) {
  Fd fd(path, O_RDONLY);
  record.file_size = fd.size();
  std::sort(raw.begin(), raw.end(), [](const ByteRange& a, const ByteRange& b) { return a.offset < b.offset; });
  record.metadata.clear();
  record.metadata_bytes.clear();
  std::uint64_t at = 0;
  raw.push_back({record.file_size, 0});
  for (const ByteRange& r : raw) {
    if (r.offset < at || r.offset + r.bytes > record.file_size) {
      throw IoError(path.string() + ": dataset storage overlaps or lies past the end of the file");
    }
    if (r.offset > at) record.metadata.push_back({at, r.offset - at});
    at = r.offset + r.bytes;
  }
  for (const ByteRange& m : record.metadata) {
    const std::size_t start = record.metadata_bytes.size();
    record.metadata_bytes.resize(start + m.bytes);
    fd.read_at(record.metadata_bytes.data() + start, m.bytes, m.offset);
  }
}

void restore_metadata(const fs::path& path, const ResumeRecord& record) {
  Fd fd(path, O_RDWR);
  const std::uint64_t size = fd.size();
  if (size < record.file_size) {
    throw InputError(path.string() + ": holds " + std::to_string(size) + " bytes, the run it belongs to wrote " +
                     std::to_string(record.file_size) + " (not the file of this resume record)");
  }
  fd.truncate(record.file_size);
  std::uint64_t at = 0;
  for (const ByteRange& m : record.metadata) {
    fd.write_at(record.metadata_bytes.data() + at, m.bytes, m.offset);
    at += m.bytes;
  }
  fd.sync();
  fd.close();
}

void write_resume_record(const fs::path& path, const ResumeRecord& record) {
  const std::string header = header_text(record);
  const std::string sum = "checksum\t" + hex64(record_checksum(header, record.metadata_bytes)) + "\n";
  const fs::path tmp(path.string() + ".tmp");
  {
    Fd fd(tmp, O_WRONLY | O_CREAT | O_TRUNC);
    fd.append(header);
    fd.append(record.metadata_bytes);
    fd.append(sum);
    fd.sync();
    fd.close();
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail_io(path, "cannot rename " + tmp.string() + " to it");
  sync_directory(path);
}

ResumeRecord read_resume_record(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot be read");
  const auto damaged = [&](const std::string& why) {
    return InputError(path.string() + ": not a usable resume record (" + why + "); remove it and " +
                      path.string().substr(0, path.string().size() - 7) + " to start over");
  };
  ResumeRecord r;
  std::string line;
  if (!std::getline(in, line) || line != kMagic) throw damaged("unknown format");
  std::uint64_t bytes = 0;
  bool have_bytes = false;
  while (!have_bytes && std::getline(in, line)) {
    try {
      parse_line(fields(line), r, bytes);
    } catch (const std::exception&) {
      throw damaged("bad line '" + line.substr(0, 60) + "'");
    }
    have_bytes = line.rfind("bytes\t", 0) == 0;
  }
  if (!have_bytes) throw damaged("cut short");
  r.metadata_bytes.resize(bytes);
  in.read(r.metadata_bytes.data(), static_cast<std::streamsize>(bytes));
  if (!in || !std::getline(in, line) || line != "checksum\t" + hex64(record_checksum(header_text(r), r.metadata_bytes))) {
    throw damaged("checksum mismatch or cut short");
  }
  std::uint64_t total = 0;
  for (const ByteRange& m : r.metadata) total += m.bytes;
  if (total != bytes) throw damaged("ranges do not add up");
  return r;
}

void append_done(const fs::path& path, const std::vector<std::pair<std::int64_t, std::int64_t>>& ranges) {
  if (ranges.empty()) return;
  std::string text;
  for (const auto& [first, end] : ranges) text += std::to_string(first) + " " + std::to_string(end) + "\n";
  Fd fd(path, O_WRONLY | O_CREAT | O_APPEND);
  fd.append(text);
  fd.sync();
  fd.close();
}

std::vector<bool> read_done(const fs::path& path, std::int64_t windows) {
  std::vector<bool> done(static_cast<std::size_t>(windows), false);
  std::error_code ec;
  if (!fs::exists(path, ec)) return done;
  std::ifstream in(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t start = 0;
  for (std::size_t nl; (nl = content.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::istringstream line(content.substr(start, nl - start));
    std::int64_t first = -1, end = -1;
    std::string rest;
    if (!(line >> first >> end) || (line >> rest) || first < 0 || end <= first || end > windows) {
      throw InputError(path.string() + ": line '" + content.substr(start, std::min<std::size_t>(nl - start, 60)) +
                       "' is not a range of the plan's " + std::to_string(windows) + " windows");
    }
    for (std::int64_t w = first; w < end; ++w) done[static_cast<std::size_t>(w)] = true;
  }
  return done;  // a last line without its newline was cut by a kill: not done
}

std::vector<std::pair<std::int64_t, std::int64_t>> to_ranges(std::vector<std::int64_t> windows) {
  std::sort(windows.begin(), windows.end());
  windows.erase(std::unique(windows.begin(), windows.end()), windows.end());
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (std::int64_t w : windows) {
    if (!out.empty() && out.back().second == w) out.back().second = w + 1;
    else out.emplace_back(w, w + 1);
  }
  return out;
}

}  // namespace polyrep::extract
