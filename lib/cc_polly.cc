// SPDX-License-Identifier: Apache-2.0
/*
 * LLVM lists Polly as a pass-builder extension, so clang's CodeGen asks for its plugin info;
 * the archives a static plugin links (Makefile: CC_PLUGIN_STATIC) have no Polly, and
 * bcctool never asks for it: an extension that registers nothing. Hidden, so that a plugin
 * linked against the shared libLLVM keeps LLVM's own.
 */
#include <llvm/Passes/PassPlugin.h>

__attribute__((visibility("hidden"))) llvm::PassPluginLibraryInfo getPollyPluginInfo();

llvm::PassPluginLibraryInfo getPollyPluginInfo()
{
	return { LLVM_PLUGIN_API_VERSION, "none", "0", [](llvm::PassBuilder &) {} };
}
