// SPDX-License-Identifier: Apache-2.0
/*
 * A read-only file system of a few large buffers (the kernel's vmlinux.h, the PCH) for the
 * compile's VFS (lib/cc_bigfiles.h). LLVM's InMemoryFileSystem names each file by a hash of its
 * whole contents, ~4 ms of every compile for these 19 MB; here a file's ID is its index.
 */
#include <map>

#include <llvm/Support/Chrono.h>
#include <llvm/Support/Errc.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>

#include "cc_bigfiles.h"

namespace
{

/* Not InMemoryFileSystem's device (~0): IDs of both kinds of file never meet. */
constexpr uint64_t DEVICE = 0x626374;

llvm::vfs::Status stat_of(llvm::StringRef path, uint64_t id, uint64_t size,
			  llvm::sys::fs::file_type type = llvm::sys::fs::file_type::regular_file)
{
	/* mtime 0, as InMemoryFileSystem's: a PCH records its inputs' sizes and times */
	return llvm::vfs::Status(path, llvm::sys::fs::UniqueID(DEVICE, id),
				 llvm::sys::toTimePoint(0), 0, 0, size, type,
				 llvm::sys::fs::perms::all_read);
}

class BigFile : public llvm::vfs::File
{
      public:
	BigFile(llvm::vfs::Status st, llvm::MemoryBufferRef buf) : st(std::move(st)), buf(buf)
	{
	}
	llvm::ErrorOr<llvm::vfs::Status> status() override
	{
		return st;
	}
	llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> getBuffer(const llvm::Twine &, int64_t,
								     bool, bool) override
	{
		return llvm::MemoryBuffer::getMemBuffer(buf, true);
	}
	std::error_code close() override
	{
		return {};
	}

      private:
	llvm::vfs::Status st;
	llvm::MemoryBufferRef buf;
};

class BigFiles : public llvm::vfs::FileSystem
{
      public:
	void add(llvm::StringRef path, std::unique_ptr<llvm::MemoryBuffer> buf)
	{
		std::string p = normal(path);
		llvm::StringRef d = llvm::sys::path::parent_path(p);

		files[p] = { files.size() + 1, std::move(buf) };
		/* its directories too: the file manager looks a file's directory up first */
		for (; !d.empty(); d = llvm::sys::path::parent_path(d))
			if (!dirs.count(d.str()))
				dirs[d.str()] = (1ULL << 32) + dirs.size();
	}
	llvm::ErrorOr<llvm::vfs::Status> status(const llvm::Twine &path) override
	{
		std::string p = normal(path);
		auto it = files.find(p);
		auto d = dirs.find(p);

		if (d != dirs.end())
			return stat_of(p, d->second, 0, llvm::sys::fs::file_type::directory_file);
		if (it == files.end())
			return llvm::errc::no_such_file_or_directory;
		return stat_of(p, it->second.id, it->second.buf->getBufferSize());
	}
	llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>>
	openFileForRead(const llvm::Twine &path) override
	{
		std::string p = normal(path);
		auto it = files.find(p);

		if (it == files.end())
			return llvm::errc::no_such_file_or_directory;
		return std::unique_ptr<llvm::vfs::File>(
			new BigFile(stat_of(p, it->second.id, it->second.buf->getBufferSize()),
				    it->second.buf->getMemBufferRef()));
	}
	llvm::vfs::directory_iterator dir_begin(const llvm::Twine &, std::error_code &ec) override
	{
		ec = std::make_error_code(std::errc::no_such_file_or_directory);
		return {};
	}
	llvm::ErrorOr<std::string> getCurrentWorkingDirectory() const override
	{
		return cwd;
	}
	std::error_code setCurrentWorkingDirectory(const llvm::Twine &path) override
	{
		cwd = path.str();
		return {};
	}

      private:
	struct entry {
		uint64_t id;
		std::unique_ptr<llvm::MemoryBuffer> buf;
	};

	/* absolute, without "." and ".." */
	std::string normal(const llvm::Twine &path) const
	{
		llvm::SmallString<256> p;

		path.toVector(p);
		if (!llvm::sys::path::is_absolute(p)) {
			llvm::SmallString<256> abs(cwd);

			llvm::sys::path::append(abs, p);
			p = abs;
		}
		llvm::sys::path::remove_dots(p, true);
		return std::string(p);
	}

	std::map<std::string, entry> files;
	std::map<std::string, uint64_t> dirs; /* their IDs, after the files' */
	std::string cwd = "/";
};

} // namespace

llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>
bct_cc_overlay(llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> small,
	       std::vector<std::pair<std::string, std::unique_ptr<llvm::MemoryBuffer>>> big)
{
	if (big.empty())
		return small;
	auto b = llvm::makeIntrusiveRefCnt<BigFiles>();

	for (auto &f : big)
		b->add(f.first, std::move(f.second));
	auto o = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(b);

	o->pushOverlay(small); /* asked first */
	return o;
}
