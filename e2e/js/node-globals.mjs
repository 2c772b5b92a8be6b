// Amplify v6 reads the global `navigator` (getDeviceName, for ConfirmDevice's
// DeviceName), which Node has only from version 21. Without it Amplify
// swallows the ReferenceError and silently skips ConfirmDevice, so no device
// is ever remembered. Give Node 20 the navigator Node 21+ has. Import this
// module before any Amplify module.
if (typeof globalThis.navigator === 'undefined') {
	Object.defineProperty(globalThis, 'navigator', {
		value: { userAgent: `Node.js/${process.versions.node.split('.')[0]}` },
		configurable: true,
		enumerable: true,
		writable: true,
	});
}
