// SPDX-License-Identifier: Apache-2.0
/*
 * bcctool-cc.so: runs clang and LLVM's BPF backend for lib/compile.c, behind the C ABI in
 * lib/cc_plugin.h. The only C++ in bcctool. It is loaded in a short-lived child process and
 * does one compile (or one PCH) per process: every input comes from memory, the object goes
 * back in memory, diagnostics go to stderr.
 */
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticFrontend.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Basic/DiagnosticSerialization.h>
#include <clang/Basic/TargetOptions.h>
#include <clang/CodeGen/CodeGenAction.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/FrontendActions.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <clang/Frontend/Utils.h>
#include <clang/AST/ASTConsumer.h>
#include <clang/AST/ASTContext.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/TargetBuiltins.h>
#include <clang/Sema/MultiplexExternalSemaSource.h>
#include <llvm/ADT/DenseSet.h>
#include <llvm-c/Disassembler.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Analysis/TargetLibraryInfo.h>
#include <llvm/Analysis/TargetTransformInfo.h>
#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/IR/DebugInfo.h>
#include <llvm/IR/DebugInfoMetadata.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/PassManager.h>
#include <llvm/Support/Path.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/VirtualFileSystem.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/TargetParser/Triple.h>

#include "cc_bigfiles.h"
#include "cc_plugin.h"
extern "C" {
#include "compile.h"
#include "log.h"
#include "opt.h"
}

namespace
{

const bct_cc_req *cur_req;

__attribute__((format(printf, 2, 3))) void logf(int level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (cur_req && cur_req->log)
		cur_req->log(level, buf);
	else
		fprintf(stderr, "bcctool: %s\n", buf);
}

const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* One header line before each --debug section, naming the stage. */
void debug_header(const char *what)
{
	llvm::errs() << "bcctool: --debug: " << what << " (" << base_name(cur_req->input) << ")\n";
}

void init_llvm()
{
	static bool done;

	if (done)
		return;
	LLVMInitializeBPFTargetInfo();
	LLVMInitializeBPFTarget();
	LLVMInitializeBPFTargetMC();
	LLVMInitializeBPFAsmPrinter();
	LLVMInitializeBPFDisassembler();
	done = true;
}

/*
 * The in-memory file system: req->files, plus the PCH read from its real path; files of more
 * than BIG bytes (vmlinux.h, the PCH) in lib/cc_bigfiles.h's, which does not hash them.
 */
llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> make_vfs(const bct_cc_req *req)
{
	constexpr size_t BIG = 256 * 1024;
	auto mem = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
	std::vector<std::pair<std::string, std::unique_ptr<llvm::MemoryBuffer>>> big;

	for (size_t i = 0; i < req->nfiles; i++) {
		const bct_cc_file *f = &req->files[i];
		auto buf = llvm::MemoryBuffer::getMemBuffer(llvm::StringRef(f->text, f->len),
							    f->path, true);

		if (f->len > BIG)
			big.emplace_back(f->path, std::move(buf));
		else
			mem->addFile(f->path, 0, std::move(buf));
	}
	if (req->action == BCT_CC_OBJ && req->pch_in) {
		auto buf = llvm::MemoryBuffer::getFile(req->pch_in, false, false);

		if (!buf) {
			logf(BCT_LOG_ERR, "cannot read '%s': %s", req->pch_in,
			     buf.getError().message().c_str());
			return nullptr;
		}
		big.emplace_back(req->pch_in, std::move(*buf));
	}
	mem->setCurrentWorkingDirectory("/");
	return bct_cc_overlay(mem, std::move(big));
}

std::vector<const char *> make_args(const bct_cc_req *req)
{
	std::vector<const char *> args;

	for (const char *const *a = req->args; a && *a; a++)
		args.push_back(*a);
	if (req->action == BCT_CC_PCH) {
		args.insert(args.end(), { "-emit-pch", "-o", req->pch_out, "-x", "c-header" });
	} else {
		if (req->pch_in)
			args.insert(args.end(), { "-include-pch", req->pch_in });
		args.insert(args.end(), { "-x", "c" });
	}
	args.push_back(req->input);
	return args;
}

/*
 * Diagnostics to stderr, except those about the PCH itself: a PCH that cannot be used is not
 * the program's fault, so the caller retries without it (and rebuilds a corrupt one).
 */
class DiagPrinter : public clang::TextDiagnosticPrinter
{
      public:
	enum { PCH_OK, PCH_MISMATCH, PCH_CORRUPT } pch = PCH_OK;

	DiagPrinter(clang::DiagnosticOptions *opts) : TextDiagnosticPrinter(llvm::errs(), opts)
	{
	}

	void HandleDiagnostic(clang::DiagnosticsEngine::Level level,
			      const clang::Diagnostic &info) override
	{
		namespace d = clang::diag;

		switch (info.getID()) {
		case d::err_fe_unable_to_load_pch:
		case d::err_fe_unable_to_read_pch_file:
		case d::err_fe_not_a_pch_file:
		case d::err_fe_pch_malformed:
		case d::err_fe_pch_malformed_block:
		case d::err_fe_ast_file_modified:
		case d::err_pch_version_too_old:
		case d::err_pch_version_too_new:
		case d::err_pch_different_branch:
			pch = PCH_CORRUPT;
			break;
		case d::err_pch_macro_def_conflict:
		case d::err_pch_macro_def_undef:
		case d::err_pch_undef:
		case d::err_pch_langopt_mismatch:
		case d::err_pch_langopt_value_mismatch:
		case d::err_pch_targetopt_mismatch:
		case d::err_pch_targetopt_feature_mismatch:
		case d::err_pch_diagopt_mismatch:
			if (pch == PCH_OK)
				pch = PCH_MISMATCH;
			break;
		default:
			if (pch == PCH_OK) {
				TextDiagnosticPrinter::HandleDiagnostic(level, info);
				return;
			}
		}
		/* Neither printed nor counted (no "1 error generated"): the action fails anyway. */
	}
};

std::unique_ptr<clang::CompilerInstance>
make_ci(const std::vector<const char *> &args, llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> vfs,
	DiagPrinter **printer = nullptr)
{
	auto ci = std::make_unique<clang::CompilerInstance>();
	llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> dopts = new clang::DiagnosticOptions();
	clang::TextDiagnosticPrinter argprinter(llvm::errs(), dopts.get());
	clang::DiagnosticsEngine argdiags(new clang::DiagnosticIDs(), dopts, &argprinter, false);

	if (!clang::CompilerInvocation::CreateFromArgs(ci->getInvocation(), args, argdiags))
		return nullptr;
	ci->getDiagnosticOpts().ShowColors = isatty(STDERR_FILENO);
	auto *p = new DiagPrinter(&ci->getDiagnosticOpts());
	ci->createDiagnostics(p, true);
	if (printer)
		*printer = p;
	ci->createFileManager(vfs);
	ci->createSourceManager(ci->getFileManager());
	return ci;
}

/* -E into a string (PrintPreprocessedAction can only write to a file or stdout). */
class PreprocessToString : public clang::PreprocessorFrontendAction
{
	llvm::raw_string_ostream os;

      public:
	explicit PreprocessToString(std::string &out) : os(out)
	{
	}

      protected:
	void ExecuteAction() override
	{
		clang::CompilerInstance &ci = getCompilerInstance();

		/* Without -E on the command line, the options say "macros only" (-dM). */
		ci.getPreprocessorOutputOpts().ShowCPP = 1;
		clang::DoPrintPreprocessedInput(ci.getPreprocessor(), &os,
						ci.getPreprocessorOutputOpts());
		os.flush();
	}
};

/* vmlinux.h, the prelude and libbpf's headers: the same for every program, left out. */
bool common_header(llvm::StringRef file)
{
	return file == BCT_VDIR "/vmlinux.h" || file == BCT_VDIR "/bct_prelude.h" ||
	       file.starts_with(BCT_VDIR "/bpf/") || file.starts_with("<");
}

/* --debug=0x4: the arguments, then the program and its own headers after the preprocessor. */
void print_preprocessed(const std::vector<const char *> &args,
			llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> vfs)
{
	debug_header("clang -cc1 arguments");
	llvm::errs() << "clang -cc1";
	for (const char *a : args)
		llvm::errs() << " " << a;
	llvm::errs() << "\n";
	debug_header("preprocessed source, without vmlinux.h and libbpf's headers");
	auto ci = make_ci(args, vfs);
	if (!ci)
		return;
	std::string text;
	PreprocessToString act(text);
	ci->ExecuteAction(act);

	/* Follow the line markers (# LINE "FILE" FLAGS) to know which file a line is from. */
	llvm::StringRef rest(text);
	bool show = true;
	while (!rest.empty()) {
		auto [line, next] = rest.split('\n');
		rest = next;
		if (line.starts_with("# ") && line.contains('"')) {
			llvm::StringRef file = line.split('"').second.split('"').first;

			show = !common_header(file);
		}
		if (show && !line.trim().empty())
			llvm::errs() << line << "\n";
	}
	llvm::errs() << "\n";
}

/* Source text lines, for the disassembly listing. */
class SourceLines
{
	std::map<std::string, std::vector<llvm::StringRef>> files;

      public:
	llvm::StringRef get(const bct_cc_req *req, const std::string &path, unsigned line)
	{
		auto it = files.find(path);

		if (it == files.end()) {
			std::vector<llvm::StringRef> lines;

			for (size_t i = 0; i < req->nfiles; i++) {
				if (path != req->files[i].path)
					continue;
				llvm::StringRef text(req->files[i].text, req->files[i].len);

				lines.push_back("");
				while (!text.empty()) {
					auto pair = text.split('\n');

					lines.push_back(pair.first);
					text = pair.second;
				}
				break;
			}
			it = files.emplace(path, std::move(lines)).first;
		}
		if (line < it->second.size())
			return it->second[line];
		return "";
	}
};

/* --debug=0x8: LLVM's BPF disassembler, each source line (from DWARF) before its code. */
void print_disasm(const bct_cc_req *req, const char *obj, size_t obj_sz, const std::string &triple,
		  const std::string &cpu)
{
	using namespace llvm;

	auto ofile = object::ObjectFile::createObjectFile(
		MemoryBufferRef(StringRef(obj, obj_sz), base_name(req->input)));
	if (!ofile) {
		logf(BCT_LOG_WARN, "cannot read the object for disassembly: %s",
		     toString(ofile.takeError()).c_str());
		return;
	}
	object::ObjectFile &o = **ofile;
	auto dwarf = DWARFContext::create(o);
	LLVMDisasmContextRef dc =
		LLVMCreateDisasmCPU(triple.c_str(), cpu.c_str(), nullptr, 0, nullptr, nullptr);
	if (!dc) {
		logf(BCT_LOG_WARN, "no BPF disassembler for '%s'", triple.c_str());
		return;
	}
	DILineInfoSpecifier spec(DILineInfoSpecifier::FileLineInfoKind::AbsoluteFilePath,
				 DILineInfoSpecifier::FunctionNameKind::None);
	SourceLines src;

	debug_header("BPF disassembly with source lines");
	for (const object::SectionRef &sec : o.sections()) {
		if (!sec.isText() || !sec.getSize())
			continue;
		auto name = sec.getName();
		auto data = sec.getContents();
		if (!name || !data) {
			consumeError(name.takeError());
			consumeError(data.takeError());
			continue;
		}
		std::map<uint64_t, std::string> syms, relocs;

		for (const object::SymbolRef &sym : o.symbols()) {
			auto s = sym.getSection();
			auto type = sym.getType();
			auto sname = sym.getName();
			auto addr = sym.getAddress();

			if (s && *s == sec && type && *type == object::SymbolRef::ST_Function &&
			    sname && addr)
				syms[*addr] = sname->str();
			if (!s)
				consumeError(s.takeError());
			if (!type)
				consumeError(type.takeError());
			if (!sname)
				consumeError(sname.takeError());
			if (!addr)
				consumeError(addr.takeError());
		}
		for (const object::SectionRef &rs : o.sections()) {
			auto target = rs.getRelocatedSection();

			if (!target) {
				consumeError(target.takeError());
				continue;
			}
			if (*target != sec)
				continue;
			for (const object::RelocationRef &r : rs.relocations()) {
				auto sym = r.getSymbol();
				if (sym == o.symbol_end())
					continue;
				auto sname = sym->getName();
				if (sname)
					relocs[r.getOffset()] = sname->str();
				else
					consumeError(sname.takeError());
			}
		}

		errs() << "Disassembly of section " << *name << ":\n";
		std::string last_file;
		unsigned last_line = 0;
		const uint8_t *bytes = reinterpret_cast<const uint8_t *>(data->data());
		uint64_t size = data->size();

		for (uint64_t off = 0; off < size;) {
			auto sym = syms.find(off);
			if (sym != syms.end())
				errs() << "\n" << sym->second << ":\n";
			DILineInfo li = dwarf->getLineInfoForAddress({ off, sec.getIndex() }, spec);
			if (li.Line && (li.Line != last_line || li.FileName != last_file)) {
				StringRef text = src.get(req, li.FileName, li.Line).trim();

				errs() << "; " << text << " [" << base_name(li.FileName.c_str())
				       << ":" << li.Line << "]\n";
				last_file = li.FileName;
				last_line = li.Line;
			}
			char insn[256];
			size_t n = LLVMDisasmInstruction(dc, const_cast<uint8_t *>(bytes + off),
							 size - off, off, insn, sizeof(insn));
			if (!n) {
				n = 8;
				snprintf(insn, sizeof(insn), "\t<unknown>");
			}
			errs() << format("%5llu:", (unsigned long long)(off / 8)) << insn;
			auto rel = relocs.find(off);
			if (rel != relocs.end())
				errs() << "\t; " << rel->second;
			errs() << "\n";
			off += n;
		}
	}
	errs() << "\n";
	LLVMDisasmDispose(dc);
}

int emit_object(clang::CompilerInstance &ci, llvm::Module &m, std::vector<char> &out)
{
	const clang::TargetOptions &topts = ci.getTargetOpts();
	const std::string &triple = m.getTargetTriple();
	std::string err;
	const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, err);

	if (!target) {
		logf(BCT_LOG_ERR, "no LLVM target for '%s': %s", triple.c_str(), err.c_str());
		return -ENOTSUP;
	}
	llvm::TargetOptions opts;
	std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
		triple, topts.CPU, llvm::join(topts.Features, ","), opts, llvm::Reloc::Static,
		std::nullopt, llvm::CodeGenOptLevel::Default));
	if (!tm) {
		logf(BCT_LOG_ERR, "cannot create the LLVM target machine for '%s'", triple.c_str());
		return -ENOTSUP;
	}
	llvm::legacy::PassManager pm;
	llvm::TargetLibraryInfoImpl tlii{ llvm::Triple(triple) };
	llvm::SmallVector<char, 0> buf;
	llvm::raw_svector_ostream os(buf);

	pm.add(llvm::createTargetTransformInfoWrapperPass(tm->getTargetIRAnalysis()));
	pm.add(new llvm::TargetLibraryInfoWrapperPass(tlii));
	if (tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile)) {
		logf(BCT_LOG_ERR, "LLVM's '%s' target cannot emit object files", triple.c_str());
		return -ENOTSUP;
	}
	pm.run(m);
	out.assign(buf.begin(), buf.end());
	return 0;
}

/*
 * libbpf needs BTF (.BTF, .BTF.ext: types, CO-RE relocations, line info), not DWARF, which
 * with vmlinux.h types is ~90% of the object. The BPF backend writes BTF from the debug
 * metadata on its own; AsmPrinter adds a DWARF writer only when the module does not ask for
 * CodeView or asks for a DWARF version. So ask for CodeView (which only Windows targets
 * emit) and no DWARF version. --debug=0x8 keeps DWARF for its line table.
 */
void drop_dwarf(llvm::Module &m)
{
	llvm::NamedMDNode *flags = m.getModuleFlagsMetadata();
	std::vector<llvm::MDNode *> keep;

	if (!flags)
		return;
	for (llvm::MDNode *f : flags->operands()) {
		auto *key = f->getNumOperands() > 1
				    ? llvm::dyn_cast<llvm::MDString>(f->getOperand(1))
				    : nullptr;
		if (!key || key->getString() != "Dwarf Version")
			keep.push_back(f);
	}
	flags->clearOperands();
	for (llvm::MDNode *f : keep)
		flags->addOperand(f);
	m.addModuleFlag(llvm::Module::Warning, "CodeView", 1);
}

/*
 * Debug info for the types the program needs, not for every kernel type.
 *
 * C debug info describes a struct completely, and with it what its members point to, and so
 * on: a struct task_struct * in a program describes nearly the whole kernel (~80 ms of a
 * compile, and more in the backend), while BTF (all that is kept: the BPF backend emits no
 * DWARF here) needs complete types only for what the program reads, sizes or holds by value:
 * what is behind a pointer it never follows can be a declaration (BTF FWD).
 *
 * So, once the translation unit is parsed and before any code is generated, the program is
 * walked (its own functions, and the header functions they call) for the structs it needs:
 * those of member accesses (CO-RE relocations), of expressions, variables, fields and sizeof
 * by value, what pointer arithmetic steps over, what the program's globals (maps) and
 * parameters point to, and everything under the types of bpf_core_type_*() and type-id
 * built-ins. Those, with everything they hold by value, are described completely; any other
 * struct from the precompiled headers only as a declaration without a size (the answer
 * "defined elsewhere" that clang's debug info asks the AST source).
 * Code generation is held back until then by a consumer that replays what the parser passed.
 */
class TrimTypes : public clang::ExternalSemaSource
{
      public:
	bool active = false;
	llvm::DenseSet<const clang::RecordDecl *> needed;

	ExtKind hasExternalDefinitions(const clang::Decl *d) override
	{
		auto *rd = llvm::dyn_cast<clang::RecordDecl>(d);

		if (!active || !rd || !rd->isFromASTFile())
			return EK_ReplyHazy;
		rd = rd->getDefinition() ? rd->getDefinition() : rd;
		if (needed.count(rd))
			return EK_ReplyHazy;
		/*
		 * Seen as incomplete from now on: else the declaration clang makes carries the
		 * struct's size, whose layout means reading the struct and everything it holds
		 * from the PCH (~1400 structs for a task_struct: ~60 ms). Nothing needs it: what
		 * the program lays out, it was found to need.
		 */
		const_cast<clang::RecordDecl *>(rd)->setCompleteDefinition(false);
		return EK_Always;
	}
};

class NeededTypes : public clang::RecursiveASTVisitor<NeededTypes>
{
	clang::ASTContext &ctx;
	TrimTypes &trim;
	llvm::DenseSet<const clang::Type *> deep_seen;
	llvm::DenseSet<const clang::FunctionDecl *> walked;

      public:
	NeededTypes(clang::ASTContext &c, TrimTypes &t) : ctx(c), trim(t)
	{
	}

	/* t by value: records (and what they hold by value), array elements; not pointees */
	void value(clang::QualType t)
	{
		while (!t.isNull()) {
			if (const clang::ArrayType *a = ctx.getAsArrayType(t)) {
				t = a->getElementType();
				continue;
			}
			if (const auto *at = t->getAs<clang::AtomicType>()) {
				t = at->getValueType();
				continue;
			}
			if (const auto *rt = t->getAs<clang::RecordType>())
				record(rt->getDecl());
			return;
		}
	}

	void record(const clang::RecordDecl *rd)
	{
		const clang::RecordDecl *def = rd->getDefinition();

		if (!def || !trim.needed.insert(def).second)
			return;
		for (const clang::FieldDecl *f : def->fields())
			value(f->getType());
	}

	/* t, and what it points to, by value */
	void pointee(clang::QualType t)
	{
		value(t);
		if (!t.isNull() && t->isPointerType())
			value(t->getPointeeType());
	}

	/* everything reachable from t, pointers included (type-based CO-RE relocations) */
	void deep(clang::QualType t)
	{
		if (t.isNull())
			return;
		const clang::Type *ct = t.getCanonicalType().getTypePtr();

		if (!deep_seen.insert(ct).second)
			return;
		if (const auto *p = ct->getAs<clang::PointerType>())
			return deep(p->getPointeeType());
		if (const clang::ArrayType *a = ctx.getAsArrayType(t))
			return deep(a->getElementType());
		if (const auto *f = ct->getAs<clang::FunctionProtoType>()) {
			deep(f->getReturnType());
			for (clang::QualType pt : f->param_types())
				deep(pt);
			return;
		}
		if (const auto *rt = ct->getAs<clang::RecordType>()) {
			const clang::RecordDecl *def = rt->getDecl()->getDefinition();

			if (!def)
				return;
			trim.needed.insert(def);
			for (const clang::FieldDecl *fd : def->fields())
				deep(fd->getType());
		}
	}

	bool VisitExpr(clang::Expr *e)
	{
		value(e->getType());
		return true;
	}

	bool VisitMemberExpr(clang::MemberExpr *e)
	{
		clang::QualType base = e->getBase()->getType();

		value(e->isArrow() && base->isPointerType() ? base->getPointeeType() : base);
		return true;
	}

	/* pointer arithmetic and differences scale by what is pointed to */
	void stepped(const clang::Expr *e)
	{
		clang::QualType t = e->getType();

		if (!t.isNull() && t->isPointerType())
			value(t->getPointeeType());
	}

	bool VisitBinaryOperator(clang::BinaryOperator *e)
	{
		if (e->isAdditiveOp() || e->getOpcode() == clang::BO_AddAssign ||
		    e->getOpcode() == clang::BO_SubAssign) {
			stepped(e->getLHS());
			stepped(e->getRHS());
		}
		return true;
	}

	bool VisitUnaryOperator(clang::UnaryOperator *e)
	{
		if (e->isIncrementDecrementOp())
			stepped(e->getSubExpr());
		return true;
	}

	bool VisitUnaryExprOrTypeTraitExpr(clang::UnaryExprOrTypeTraitExpr *e)
	{
		if (e->isArgumentType())
			value(e->getArgumentType());
		return true;
	}

	bool VisitOffsetOfExpr(clang::OffsetOfExpr *e)
	{
		value(e->getTypeSourceInfo()->getType());
		return true;
	}

	bool VisitCallExpr(clang::CallExpr *e)
	{
		switch (e->getBuiltinCallee()) {
		case clang::BPF::BI__builtin_preserve_type_info:
		case clang::BPF::BI__builtin_btf_type_id:
			for (const clang::Expr *a : e->arguments())
				deep(a->getType());
			break;
		default:
			break;
		}
		/* header functions the program calls: their member accesses count too */
		if (const clang::FunctionDecl *fd = e->getDirectCallee()) {
			const clang::FunctionDecl *def = nullptr;

			if (fd->hasBody(def) && def && walked.insert(def).second)
				TraverseDecl(const_cast<clang::FunctionDecl *>(def));
		}
		return true;
	}

	bool VisitDeclaratorDecl(clang::DeclaratorDecl *d)
	{
		value(d->getType());
		return true;
	}

	bool VisitVarDecl(clang::VarDecl *d)
	{
		/* globals (maps: what __type() points to sizes keys and values) */
		if (d->hasGlobalStorage() && !d->isLocalVarDeclOrParm()) {
			clang::QualType t = d->getType();

			value(t);
			if (const auto *rt = t->getAs<clang::RecordType>())
				if (const clang::RecordDecl *def = rt->getDecl()->getDefinition())
					for (const clang::FieldDecl *f : def->fields())
						pointee(f->getType());
		}
		return true;
	}

	bool VisitFunctionDecl(clang::FunctionDecl *d)
	{
		value(d->getReturnType());
		for (const clang::ParmVarDecl *p : d->parameters())
			pointee(p->getType());
		return true;
	}

	/* the parsed declarations (not the whole unit: that would load every header type) */
	void walk(const std::vector<clang::Decl *> &decls)
	{
		for (clang::Decl *d : decls) {
			if (d->isFromASTFile())
				continue;
			if (auto *fd = llvm::dyn_cast<clang::FunctionDecl>(d))
				if (fd->isThisDeclarationADefinition())
					walked.insert(fd);
			TraverseDecl(d);
		}
	}
};

/* Holds every call the parser makes until the program is walked, then replays them. */
class DeferredConsumer : public clang::ASTConsumer
{
	std::unique_ptr<clang::ASTConsumer> inner;
	llvm::IntrusiveRefCntPtr<TrimTypes> trim;
	std::vector<std::function<void()>> calls;
	std::vector<clang::Decl *> parsed;
	bool replaying = false;

	void later(std::function<void()> f)
	{
		if (replaying)
			f();
		else
			calls.push_back(std::move(f));
	}

      public:
	explicit DeferredConsumer(std::unique_ptr<clang::ASTConsumer> c)
	    : inner(std::move(c)), trim(new TrimTypes)
	{
	}

	void Initialize(clang::ASTContext &c) override
	{
		inner->Initialize(c);
	}

	bool HandleTopLevelDecl(clang::DeclGroupRef d) override
	{
		if (!replaying)
			parsed.insert(parsed.end(), d.begin(), d.end());
		later([this, d] { inner->HandleTopLevelDecl(d); });
		return true;
	}

	void HandleInlineFunctionDefinition(clang::FunctionDecl *d) override
	{
		later([this, d] { inner->HandleInlineFunctionDefinition(d); });
	}

	void HandleInterestingDecl(clang::DeclGroupRef d) override
	{
		later([this, d] { inner->HandleInterestingDecl(d); });
	}

	void HandleTagDeclDefinition(clang::TagDecl *d) override
	{
		later([this, d] { inner->HandleTagDeclDefinition(d); });
	}

	void HandleTagDeclRequiredDefinition(const clang::TagDecl *d) override
	{
		later([this, d] { inner->HandleTagDeclRequiredDefinition(d); });
	}

	void HandleCXXImplicitFunctionInstantiation(clang::FunctionDecl *d) override
	{
		later([this, d] { inner->HandleCXXImplicitFunctionInstantiation(d); });
	}

	void HandleTopLevelDeclInObjCContainer(clang::DeclGroupRef d) override
	{
		later([this, d] { inner->HandleTopLevelDeclInObjCContainer(d); });
	}

	void HandleImplicitImportDecl(clang::ImportDecl *d) override
	{
		later([this, d] { inner->HandleImplicitImportDecl(d); });
	}

	void CompleteTentativeDefinition(clang::VarDecl *d) override
	{
		later([this, d] { inner->CompleteTentativeDefinition(d); });
	}

	void CompleteExternalDeclaration(clang::DeclaratorDecl *d) override
	{
		later([this, d] { inner->CompleteExternalDeclaration(d); });
	}

	void AssignInheritanceModel(clang::CXXRecordDecl *d) override
	{
		later([this, d] { inner->AssignInheritanceModel(d); });
	}

	void HandleCXXStaticMemberVarInstantiation(clang::VarDecl *d) override
	{
		later([this, d] { inner->HandleCXXStaticMemberVarInstantiation(d); });
	}

	void HandleVTable(clang::CXXRecordDecl *d) override
	{
		later([this, d] { inner->HandleVTable(d); });
	}

	clang::ASTMutationListener *GetASTMutationListener() override
	{
		return inner->GetASTMutationListener();
	}

	clang::ASTDeserializationListener *GetASTDeserializationListener() override
	{
		return inner->GetASTDeserializationListener();
	}

	void PrintStats() override
	{
		inner->PrintStats();
	}

	bool shouldSkipFunctionBody(clang::Decl *d) override
	{
		return inner->shouldSkipFunctionBody(d);
	}

	void HandleTranslationUnit(clang::ASTContext &c) override
	{
		auto *src =
			llvm::dyn_cast_or_null<clang::ExternalSemaSource>(c.getExternalSource());

		if (src && !c.getDiagnostics().hasErrorOccurred()) {
			NeededTypes(c, *trim).walk(parsed);
			trim->active = true;
			c.setExternalSource(
				new clang::MultiplexExternalSemaSource(trim.get(), src));
		}
		replaying = true;
		for (auto &f : calls)
			f();
		calls.clear();
		inner->HandleTranslationUnit(c);
	}
};

class TrimmedEmitLLVMOnly : public clang::EmitLLVMOnlyAction
{
      public:
	using clang::EmitLLVMOnlyAction::EmitLLVMOnlyAction;

      protected:
	std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance &ci,
							      llvm::StringRef file) override
	{
		auto c = clang::EmitLLVMOnlyAction::CreateASTConsumer(ci, file);

		if (!c)
			return c;
		return std::make_unique<DeferredConsumer>(std::move(c));
	}
};

/*
 * At the start of the optimisation pipeline:
 *
 * - req->stub: the functions in sections the caller names become "return 0" (programs the
 *   kernel cannot run: inlining, optimising and emitting them is wasted). A function keeps
 *   its section, linkage and DISubprogram, so its BTF.
 * - The files with code (the program, the headers its inlined functions come from) get their
 *   text into the debug info, from which the BPF backend takes the source lines of BTF line
 *   info (the verifier shows them). clang's -gembed-source would also copy in the 2.8 MB of
 *   vmlinux.h, where types live but no code, and hash it: ~4 ms of a compile.
 * - Unless the DWARF is kept (--debug=0x8), where local variables live is dropped
 *   (dbg.value/dbg.declare records): BTF has no use for it, and the optimiser and backend
 *   spend ~10% of a compile tracking it. A DISubprogram keeps its parameters, which BTF
 *   names a program's parameters from.
 */
struct PrepPass : llvm::PassInfoMixin<PrepPass> {
	const bct_cc_req *req;

	explicit PrepPass(const bct_cc_req *r) : req(r)
	{
	}

	llvm::PreservedAnalyses run(llvm::Module &m, llvm::ModuleAnalysisManager &)
	{
		logf(BCT_LOG_DEBUG, "parsed, and generated LLVM IR");
		bool vars = !(req->debug & BCT_DEBUG_SOURCE);

		attach_sources(m);

		for (llvm::Function &f : m) {
			if (f.isDeclaration())
				continue;
			if (req->stub && f.hasSection() && req->stub(f.getSection().str().c_str()))
				stub(f);
			else if (vars)
				drop_variables(f);
		}
		return llvm::PreservedAnalyses::none();
	}

	/* req's text of the file f names, or NULL. */
	const bct_cc_file *file_of(const llvm::DIFile *f) const
	{
		std::string path = f->getFilename().str();

		if (!llvm::sys::path::is_absolute(path))
			path = f->getDirectory().str() + "/" + path;
		for (size_t i = 0; i < req->nfiles; i++)
			if (path == req->files[i].path)
				return &req->files[i];
		return nullptr;
	}

	/*
	 * Gives each scope that holds code (subprograms, lexical blocks: what line info names) a
	 * file with its text; the scopes are distinct nodes, so their file is replaced in place.
	 */
	void attach_sources(llvm::Module &m) const
	{
		std::map<llvm::DIFile *, llvm::DIFile *> with_text;
		llvm::DebugInfoFinder finder;

		finder.processModule(m);
		auto update = [&](llvm::DIScope *scope) {
			llvm::DIFile *f = scope ? scope->getFile() : nullptr;

			if (!f || f->getRawSource() || !scope->isDistinct())
				return;
			auto it = with_text.find(f);
			if (it == with_text.end()) {
				const bct_cc_file *src = file_of(f);
				llvm::DIFile *nf = nullptr;

				if (src)
					nf = llvm::DIFile::get(
						m.getContext(), f->getRawFilename(),
						f->getRawDirectory(), f->getRawChecksum(),
						llvm::MDString::get(
							m.getContext(),
							llvm::StringRef(src->text, src->len)));
				it = with_text.emplace(f, nf).first;
			}
			if (it->second)
				scope->replaceOperandWith(0, it->second);
		};
		for (llvm::DISubprogram *sp : finder.subprograms())
			update(sp);
		for (llvm::DIScope *scope : finder.scopes())
			update(scope);
	}

	static void params_only(llvm::DISubprogram *sp)
	{
		llvm::SmallVector<llvm::Metadata *, 4> params;

		for (llvm::DINode *n : sp->getRetainedNodes())
			if (auto *v = llvm::dyn_cast<llvm::DILocalVariable>(n))
				if (v->isParameter())
					params.push_back(v);
		sp->replaceRetainedNodes(llvm::MDTuple::get(sp->getContext(), params));
	}

	static void drop_variables(llvm::Function &f)
	{
		for (llvm::BasicBlock &bb : f) {
			for (auto it = bb.begin(); it != bb.end();) {
				llvm::Instruction &i = *it++;

				i.dropDbgRecords();
				if (llvm::isa<llvm::DbgVariableIntrinsic>(i))
					i.eraseFromParent();
			}
		}
		if (llvm::DISubprogram *sp = f.getSubprogram())
			params_only(sp);
	}

	static void stub(llvm::Function &f)
	{
		llvm::LLVMContext &ctx = f.getContext();
		llvm::DISubprogram *sp = f.getSubprogram();
		llvm::GlobalValue::LinkageTypes linkage = f.getLinkage();
		llvm::Type *ret = f.getReturnType();

		f.deleteBody();
		f.setLinkage(linkage);
		llvm::BasicBlock *bb = llvm::BasicBlock::Create(ctx, "stub", &f);
		llvm::ReturnInst *ri =
			ret->isVoidTy() ? llvm::ReturnInst::Create(ctx, bb)
					: llvm::ReturnInst::Create(
						  ctx, llvm::Constant::getNullValue(ret), bb);
		if (sp) {
			params_only(sp);
			f.setSubprogram(sp);
			ri->setDebugLoc(llvm::DILocation::get(ctx, sp->getScopeLine(), 0, sp));
		}
	}
};

int compile_obj(const bct_cc_req *req, const std::vector<const char *> &args,
		llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> vfs, void **obj, size_t *obj_sz)
{
	if (req->debug & BCT_DEBUG_PREPROCESSOR)
		print_preprocessed(args, vfs);

	DiagPrinter *diags;
	auto ci = make_ci(args, vfs, &diags);
	if (!ci)
		return -EINVAL;
	ci->getCodeGenOpts().PassBuilderCallbacks.push_back([req](llvm::PassBuilder &pb) {
		pb.registerPipelineStartEPCallback(
			[req](llvm::ModulePassManager &mpm, llvm::OptimizationLevel) {
				mpm.addPass(PrepPass(req));
			});
	});
	/*
	 * The process exits right after this compile: what it built is left for the exit to free
	 * (destroying the AST reader, the module and the context costs ~8 ms).
	 */
	auto *ctx = new llvm::LLVMContext;
	clang::EmitLLVMOnlyAction *act = (req->flags & BCT_CC_FULL_DEBUG_INFO)
						 ? new clang::EmitLLVMOnlyAction(ctx)
						 : new TrimmedEmitLLVMOnly(ctx);
	bool ok = ci->ExecuteAction(*act);
	logf(BCT_LOG_DEBUG, "compiled to optimised LLVM IR");
	if (diags->pch == DiagPrinter::PCH_CORRUPT)
		return -ESTALE;
	if (diags->pch == DiagPrinter::PCH_MISMATCH)
		return -EAGAIN;
	if (!ok)
		return -EINVAL;
	std::unique_ptr<llvm::Module> m = act->takeModule();
	if (!m)
		return -EINVAL;
	if (req->debug & BCT_DEBUG_LLVM_IR) {
		debug_header("LLVM IR after optimisation");
		m->print(llvm::errs(), nullptr);
		llvm::errs() << "\n";
	}

	if (!(req->debug & BCT_DEBUG_SOURCE))
		drop_dwarf(*m);
	std::vector<char> out;
	int err = emit_object(*ci, *m, out);
	if (err)
		return err;
	logf(BCT_LOG_DEBUG, "generated BPF code (%zu bytes of object)", out.size());
	if (req->debug & BCT_DEBUG_SOURCE)
		print_disasm(req, out.data(), out.size(), m->getTargetTriple(),
			     ci->getTargetOpts().CPU);

	*obj = malloc(out.size() ? out.size() : 1);
	if (!*obj)
		return -ENOMEM;
	memcpy(*obj, out.data(), out.size());
	*obj_sz = out.size();
	(void)ci.release();
	(void)m.release();
	return 0;
}

int compile_pch(const std::vector<const char *> &args,
		llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> vfs)
{
	auto ci = make_ci(args, vfs);
	if (!ci)
		return -EINVAL;
	clang::GeneratePCHAction act;
	return ci->ExecuteAction(act) ? 0 : -EINVAL;
}

} // namespace

extern "C" int bct_cc_compile(const struct bct_cc_req *req, void **obj, size_t *obj_sz)
{
	int err;

	if (!req || req->abi != BCT_CC_ABI || !req->input)
		return -EINVAL;
	if (req->action == BCT_CC_OBJ && (!obj || !obj_sz))
		return -EINVAL;
	if (req->action == BCT_CC_PCH && !req->pch_out)
		return -EINVAL;
	cur_req = req;
	init_llvm();
	auto vfs = make_vfs(req);
	if (!vfs)
		return -EIO;
	std::vector<const char *> args = make_args(req);
	if (req->action == BCT_CC_PCH)
		err = compile_pch(args, vfs);
	else
		err = compile_obj(req, args, vfs, obj, obj_sz);
	llvm::errs().flush();
	cur_req = nullptr;
	return err;
}
